// Must stay first: configures zod before any schema module is evaluated (CSP, see the file).
import './zodJitless';
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { getApiClient } from './api';
import { createAppRouter } from './router';
import App from './App.vue';
import './styles/theme.css';
import './styles/base.css';

// Create the client before the router reads the URL: it takes the token out of it.
getApiClient();

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter());
app.mount('#app');
