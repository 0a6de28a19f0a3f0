// Entry point: global styles, link handling, the application shell.
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { installLinkHandler } from './lib/router.svelte';
import { i18n } from './lib/i18n.svelte';

document.documentElement.lang = i18n.lang;
installLinkHandler();
mount(App, { target: document.getElementById('app')! });
