import { CombinedError } from '@urql/core';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLError } from 'graphql';

export interface UploadResult<T> {
  data: T | null;
  error: CombinedError | null;
}

/**
 * Sends an operation with files as a GraphQL multipart request (the spec's `operations`,
 * `map`, then the files), by XMLHttpRequest so the upload's progress can be shown. `files`
 * maps each file to its path in the variables (e.g. `variables.input.files.0`), where the
 * variables hold `null`.
 */
export function sendWithFiles<T, V extends Record<string, unknown>>(
  document: TypedDocumentNode<T, V>,
  variables: V,
  files: { path: string; file: File }[],
  onProgress: (fraction: number) => void,
): Promise<UploadResult<T>> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: print(document), variables }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => form.append(String(i), f.file, f.file.name));

  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/graphql');
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/graphql-response+json, application/json');
    // The portal refuses multipart requests without it (a plain HTML form cannot send it).
    xhr.setRequestHeader('GraphQL-Require-Preflight', '1');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      resolve({ data: null, error: new CombinedError({ networkError: new Error('network error') }) });
    xhr.onload = () => {
      let body: { data?: T | null; errors?: GraphQLError[] } | null = null;
      try {
        body = JSON.parse(xhr.responseText) as { data?: T | null; errors?: GraphQLError[] };
      } catch {
        body = null;
      }
      if (body?.errors?.length) {
        resolve({ data: body.data ?? null, error: new CombinedError({ graphQLErrors: body.errors }) });
      } else if (body?.data) {
        onProgress(1);
        resolve({ data: body.data, error: null });
      } else {
        resolve({ data: null, error: new CombinedError({ networkError: new Error(`HTTP ${xhr.status}`) }) });
      }
    };
    xhr.send(form);
  });
}
