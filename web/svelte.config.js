// Svelte compiler options shared by Vite and svelte-check.
export default {
    compilerOptions: {
        // Component styles go to the CSS bundle (the server's CSP allows style-src 'self' only).
        css: 'external',
        runes: true,
    },
};
