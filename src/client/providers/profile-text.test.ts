import { describe, expect, it } from 'vitest';
import { joinedName, textMembers, trimmedText } from './profile-text.js';

describe('trimmedText', () => {
  it('is the string trimmed', () => {
    expect(trimmedText('  Ada Lovelace \n')).toBe('Ada Lovelace');
    expect(trimmedText('x')).toBe('x');
  });

  it('is undefined for an empty or white-space-only string', () => {
    expect(trimmedText('')).toBeUndefined();
    expect(trimmedText(' \t\n ')).toBeUndefined();
  });

  it('is undefined for what is not a string: a number, a boolean, null, an object', () => {
    for (const value of [42, 0, true, null, undefined, { name: 'Ada' }, ['Ada']]) expect(trimmedText(value)).toBeUndefined();
  });
});

describe('joinedName', () => {
  it('joins the trimmed parts with one space, in their order', () => {
    expect(joinedName(' Ada ', 'Lovelace ')).toBe('Ada Lovelace');
    expect(joinedName('Lovelace', 'Ada')).toBe('Lovelace Ada');
  });

  it('leaves out the parts that are empty, white space only or not strings', () => {
    expect(joinedName('', 'Lovelace')).toBe('Lovelace');
    expect(joinedName('Ada', '  ')).toBe('Ada');
    expect(joinedName(7, 'Ada', null, 'Lovelace')).toBe('Ada Lovelace');
  });

  it('is undefined when no part is text, so that ?? goes on to the next fallback', () => {
    expect(joinedName()).toBeUndefined();
    expect(joinedName('', ' ', 3, undefined)).toBeUndefined();
    expect(joinedName(undefined, '') ?? 'ada').toBe('ada');
  });
});

describe('textMembers', () => {
  it('keeps the members that are text, trimmed, in their order', () => {
    expect(Object.entries(textMembers({ name: ' Ada ', email: 'ada@example.test', picture: 'https://pic.example.test/a' }))).toEqual([
      ['name', 'Ada'],
      ['email', 'ada@example.test'],
      ['picture', 'https://pic.example.test/a'],
    ]);
  });

  it('leaves out the members that are empty, white space only or not strings (numbers among them)', () => {
    expect(textMembers({ name: '', email: '  ', id: 42, verified: true, picture: null, locale: undefined, nick: 'ada' })).toEqual({ nick: 'ada' });
    expect(textMembers({})).toEqual({});
  });
});
