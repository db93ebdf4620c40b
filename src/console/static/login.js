// Sign-in: the key goes in a JSON body (never in the URL); the answer sets an HttpOnly session cookie.
const form = document.getElementById('login');
const error = document.getElementById('error');
const input = document.getElementById('key');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  if (input.value === '') {
    error.textContent = 'Enter the admin key.';
    input.focus();
    return;
  }
  try {
    const answer = await fetch('/console/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: input.value }),
      credentials: 'same-origin',
    });
    if (answer.ok) {
      input.value = '';
      window.location.assign('/console');
      return;
    }
    const body = await answer.json().catch(() => undefined);
    error.textContent = body?.error?.message ?? `Sign-in failed (${answer.status}).`;
  } catch {
    error.textContent = 'The gateway did not answer. Is it running?';
  }
  input.select();
  input.focus();
});
