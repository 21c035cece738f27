module.exports = (text) => globalThis.btoa(text);
