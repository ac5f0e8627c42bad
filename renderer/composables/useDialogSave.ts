/**
 * A dialog's Save: runs the store call, closes the dialog when it succeeds,
 * and otherwise shows the server's message (the API's words) in `error`;
 * `saving` disables the buttons meanwhile. One place for what the edit
 * dialogs (run, experiment, dataset class names) all do.
 */
import { ref, type Ref } from 'vue';
import { errorMessage } from '../api';

export interface DialogSave {
  saving: Ref<boolean>;
  error: Ref<string | null>;
  /** Runs `action`, then `done`; a refusal lands in `error` and the dialog stays open. */
  save(action: () => Promise<unknown>): Promise<void>;
}

export function useDialogSave(done: () => void): DialogSave {
  const saving = ref(false);
  const error = ref<string | null>(null);
  async function save(action: () => Promise<unknown>): Promise<void> {
    saving.value = true;
    error.value = null;
    try {
      await action();
      done();
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      saving.value = false;
    }
  }
  return { saving, error, save };
}
