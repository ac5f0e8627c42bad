/**
 * A form that sends one API request: its fields checked inline by the
 * request's own schema (a field's message shows once it has text or after a
 * submit), one request at a time, the services' refusal kept to show as it
 * comes. The import forms (datasets, corpora) are built on it.
 */
import { computed, ref, type ComputedRef, type Ref } from 'vue';
import type { z } from 'zod';
import { errorMessage } from '../api';

export interface RequestForm<T> {
  touched: Ref<boolean>;
  submitting: Ref<boolean>;
  serverError: Ref<string | null>;
  /** The schema's message for a top-level field (always, or only once `text()` is not empty or after a submit). */
  fieldError(field: string, text?: () => string): ComputedRef<string | undefined>;
  /** Check, then send with `send` (which resets the fields on success); a refusal goes to serverError. */
  submit(): Promise<void>;
  /** The parsed request, when the fields are valid. */
  valid: ComputedRef<T | undefined>;
}

export function useRequestForm<S extends z.ZodType>(schema: S, request: () => unknown, send: (data: z.output<S>) => Promise<void>): RequestForm<z.output<S>> {
  const touched = ref(false);
  const submitting = ref(false);
  const serverError = ref<string | null>(null);
  const validation = computed(() => schema.safeParse(request()));
  const issue = (field: string): string | undefined => (validation.value.success ? undefined : validation.value.error.issues.find((i) => i.path[0] === field)?.message);
  const fieldError = (field: string, text?: () => string): ComputedRef<string | undefined> =>
    computed(() => (text === undefined || touched.value || text() !== '' ? issue(field) : undefined));
  async function submit(): Promise<void> {
    touched.value = true;
    const v = validation.value;
    if (!v.success || submitting.value) return;
    submitting.value = true;
    serverError.value = null;
    try {
      await send(v.data);
      touched.value = false;
    } catch (err) {
      serverError.value = errorMessage(err);
    } finally {
      submitting.value = false;
    }
  }
  return { touched, submitting, serverError, fieldError, submit, valid: computed(() => (validation.value.success ? validation.value.data : undefined)) };
}
