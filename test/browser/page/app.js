// What the tutorial's page does: post the login to the application server, take the
// {"userTicket": ...} it answers, read the identity as Sinch's SDK does, start the client.
const params = new URLSearchParams(location.search);
const authServer = params.get("auth");
const applicationKey = params.get("key");

document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("result");
  const username = document.getElementById("username").value;
  const password = document.getElementById("password").value;
  const query = `username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}`;
  const response = await fetch(`${authServer}/Api/Auth/?${query}`, { method: "POST" });
  if (!response.ok) {
    result.textContent = `login refused: ${response.status}`;
    return;
  }
  const login = await response.json();
  const data = JSON.parse(atob(login.userTicket.split(":")[0]));
  result.textContent = `ticket for ${data.identity.endpoint}`;
  window.login = login;
  const client = new SinchClient({ applicationKey, capabilities: { messaging: true } });
  window.sinchClient = client;
  client.start(login).catch((error) => {
    window.sinchError = String(error);
  });
});
