import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import ExperimentsView from './views/ExperimentsView.vue';
import ExperimentView from './views/ExperimentView.vue';

/** Hash history: the same URLs work from app://latent/ (Electron) and http:// (serve mode). */
export function createAppRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    // A new page starts at its top; back and forward return to where the page was.
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
    routes: [
      { path: '/', name: 'experiments', component: ExperimentsView },
      { path: '/experiments/:id(\\d+)', name: 'experiment', component: ExperimentView },
      { path: '/experiments/:id(\\d+)/new', name: 'run-new', component: () => import('./views/RunNewView.vue') },
      { path: '/runs', name: 'runs', component: () => import('./views/RunsView.vue') },
      { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
      { path: '/runs/:id(\\d+)', name: 'run', component: () => import('./views/RunView.vue') },
      { path: '/architectures', name: 'architectures', component: () => import('./views/ArchitecturesView.vue') },
      { path: '/architectures/new', name: 'architecture-new', component: () => import('./views/ArchitectureEditorView.vue') },
      { path: '/architectures/:id(\\d+)', name: 'architecture', component: () => import('./views/ArchitectureEditorView.vue') },
      { path: '/architectures/:id(\\d+)/view', name: 'architecture-view', component: () => import('./views/ArchitectureEditorView.vue') },
      { path: '/runs/:id(\\d+)/architecture', name: 'run-architecture', component: () => import('./views/ArchitectureEditorView.vue') },
      { path: '/datasets', name: 'datasets', component: () => import('./views/DatasetsView.vue') },
      { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue') },
      { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
    ],
  });
}
