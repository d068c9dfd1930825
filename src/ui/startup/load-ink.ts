// Ink, React and the components, loaded while the logins run.
import { importWithoutCiDetection } from '../interactive-env.js';

export async function loadInk() {
  // React's development build records a performance.measure (holding the rendered props) for
  // every render and Node keeps them all: scrolling through 100k messages grew the heap by
  // hundreds of MB. React picks its build once, at load: load the production one unless the
  // user set NODE_ENV, and leave the environment of child processes (editor) as it was.
  // The default export is React itself both in Node and in the bundle (where a split chunk of
  // a CommonJS package exposes only the default export).
  const userNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV ??= 'production';
  const { render, React, App, makeTheme } = await importWithoutCiDetection(() => import('./view-modules.js')).finally(() => {
    if (userNodeEnv === undefined) delete process.env.NODE_ENV;
  });
  return { render, React, App, makeTheme };
}
