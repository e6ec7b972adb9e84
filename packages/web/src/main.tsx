/**
 * Entry of the web client (DESIGN.md, Client, CLI, web): renders the app into #app.
 * @module
 */
import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
