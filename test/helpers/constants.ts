/** The secret of Sinch's published examples ("YOUR_APPLICATION_SECRET" in base64). */
export const SECRET = "WU9VUl9BUFBMSUNBVElPTl9TRUNSRVQ=";
export const KEY = "YOUR_APPLICATION_KEY";
export const OTHER_SECRET = "JViE5vDor0Sw3WllZka15Q==";
export const NOW = new Date("2026-11-28T12:00:00.000Z");
