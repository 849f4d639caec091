/* forms.js: form widgets that speak Chinese whatever the browser's language. */
