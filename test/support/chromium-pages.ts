// What a person does on the app's pages in Chromium, shared by the browser tests.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { LiveApp } from './live-app.js';

/** From the account link, signed out, through the provider's pages (a first sign-in: consent too) and back to /account. */
export async function signInAs(page: Page, app: LiveApp, username: string): Promise<void> {
  await page.goto(`${app.origin}/account`);
  expect(new URL(page.url()).pathname).toBe('/'); // signed out: the sign-in page, remembering /account
  await page.getByRole('link', { name: 'Sign in with Toolkit' }).click();

  await page.waitForURL((url) => url.origin === app.provider.issuer);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(username);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${app.origin}/account`);
}

/** Presses "Call the API" on the account page; the API's answer, which must have been a 200. */
export async function callTheApi(page: Page): Promise<unknown> {
  await page.getByRole('button', { name: 'Call the API' }).click();
  await page.waitForURL((url) => url.pathname === '/account/connections/toolkit/call');
  expect(await page.locator('.api-status').textContent()).toBe('200');
  return JSON.parse((await page.locator('pre.api-body').textContent()) ?? '');
}
