/// <reference types="vite/client" />
declare module 'plotly.js-basic-dist-min';
