// Ink, React and the components in one import (see ui-modules.ts), loaded by load-ink.ts.
export { render } from 'ink';
import React from 'react';
export { React };
export { App } from '../components/App.js';
export { makeTheme } from '../theme.js';
