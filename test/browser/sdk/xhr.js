export const XMLHttpRequest = globalThis.XMLHttpRequest;
