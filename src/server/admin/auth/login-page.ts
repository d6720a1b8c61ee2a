import { html, type SafeHtml } from '../../views/html.js';
import { ADMIN_LOGIN_PATH } from './staff-guard.js';

export interface AdminLoginForm {
  csrfToken: string;
  /** Where to go after signing in (already checked to be under /admin). */
  next: string;
  /** Kept after a failed attempt so it need not be typed again; the password never is. */
  username: string;
  error: string | null;
}

export function adminLoginPage(form: AdminLoginForm): SafeHtml {
  // After a failed attempt each field says it was wrong and points at the message, read out with the field (WCAG 3.3.1, 1.3.1).
  const invalid = form.error ? html` aria-invalid="true" aria-describedby="login-error"` : null;
  return html`<h1>Staff sign-in</h1>
<div class="card admin-login">
${form.error ? html`<p class="error" id="login-error" role="alert">${form.error}</p>` : null}
<form method="post" action="${ADMIN_LOGIN_PATH}">
<input type="hidden" name="_csrf" value="${form.csrfToken}">
<input type="hidden" name="next" value="${form.next}">
<p><label>Username <input name="username" value="${form.username}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${invalid}></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password" required${invalid}></label></p>
<p><button type="submit">Sign in</button></p>
</form>
<p class="muted">Staff who sign in with a provider are admitted too: <a href="/">sign in on the home page</a>, then come back.</p>
</div>`;
}
