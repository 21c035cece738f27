module.exports = (text) => globalThis.atob(text);
