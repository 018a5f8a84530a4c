import { describe, expect, it } from 'vitest';
import { PolyfaasError } from '../errors.js';
import { parseCron } from './cron.js';

const at = (iso: string) => new Date(iso);

describe('parseCron', () => {
  it('matches every minute for * * * * *', () => {
    const every = parseCron('* * * * *');
    expect(every.matches(at('2024-05-05T13:37:42Z'))).toBe(true);
    expect(every.next(at('2024-05-05T13:37:42Z'))).toEqual(at('2024-05-05T13:38:00Z'));
  });

  it('handles numbers, ranges, steps and lists in UTC', () => {
    const cron = parseCron('*/15 9-17 * * 1-5');
    expect(cron.matches(at('2024-01-01T09:45:00Z'))).toBe(true); // Monday
    expect(cron.matches(at('2024-01-01T09:44:00Z'))).toBe(false);
    expect(cron.matches(at('2024-01-01T18:00:00Z'))).toBe(false);
    expect(cron.matches(at('2024-01-06T10:00:00Z'))).toBe(false); // Saturday
    expect(parseCron('5,10 0 1 1 *').next(at('2024-01-01T00:05:00Z'))).toEqual(at('2024-01-01T00:10:00Z'));
    expect(parseCron('10-30/10 * * * *').next(at('2024-01-01T00:30:00Z'))).toEqual(at('2024-01-01T01:10:00Z'));
    expect(parseCron('5/20 * * * *').next(at('2024-01-01T00:30:00Z'))).toEqual(at('2024-01-01T00:45:00Z'));
  });

  it('accepts month and weekday names, ? and Sunday as 0 or 7', () => {
    const cron = parseCron('0 12 ? JAN,jul SUN');
    expect(cron.matches(at('2024-01-07T12:00:00Z'))).toBe(true);
    expect(cron.matches(at('2024-02-04T12:00:00Z'))).toBe(false);
    expect(parseCron('0 0 * * 7').matches(at('2024-01-07T00:00:00Z'))).toBe(true);
    expect(parseCron('0 0 * * MON-FRI').matches(at('2024-01-05T00:00:00Z'))).toBe(true);
  });

  it('ORs day-of-month and day-of-week when both are restricted, as Vixie cron does', () => {
    const cron = parseCron('0 0 13 * FRI');
    expect(cron.matches(at('2024-01-13T00:00:00Z'))).toBe(true); // a Saturday the 13th
    expect(cron.matches(at('2024-01-05T00:00:00Z'))).toBe(true); // a Friday
    expect(cron.matches(at('2024-01-06T00:00:00Z'))).toBe(false);
  });

  it('finds rare dates and reports impossible ones', () => {
    expect(parseCron('0 0 29 2 *').next(at('2024-03-01T00:00:00Z'))).toEqual(at('2028-02-29T00:00:00Z'));
    expect(parseCron('0 0 30 2 *').next(at('2024-01-01T00:00:00Z'))).toBeUndefined();
  });

  it.each(['* * * *', '* * * * * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '*/0 * * * *', '5-1 * * * *', 'a * * * *', '1,,2 * * * *'])(
    'rejects %j with InvalidArgument',
    (expr) => {
      expect(() => parseCron(expr)).toThrow(PolyfaasError);
      try {
        parseCron(expr);
      } catch (err) {
        expect((err as PolyfaasError).code).toBe('InvalidArgument');
      }
    },
  );
});
