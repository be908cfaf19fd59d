/**
 * Security review (issue 16 §4): JSON from outside is bounded before it is parsed — nesting depth
 * (feed files and HTTP API bodies) and size (HTTP API bodies: 413; feed files: the catalog's
 * `maxBytes`, see test/faults/storefront-file-limits.test.ts).
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonBody, MAX_JSON_BODY_BYTES } from '../../shared/api/http.ts';
import {
  DEFAULT_MAX_FILE_BYTES,
  FEEDS,
  feedById,
  maxFileBytes,
} from '../../shared/feeds/catalog.ts';
import { fileSizeProblem } from '../../shared/feeds/inbound-file.ts';
import { jsonDepthProblem, MAX_JSON_DEPTH } from '../../shared/feeds/json-limits.ts';

const event = (body: string, isBase64Encoded = false) =>
  ({ body, isBase64Encoded }) as unknown as APIGatewayProxyEventV2;
const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('jsonDepthProblem', () => {
  it('accepts up to the limit, refuses beyond, in one pass', () => {
    expect(jsonDepthProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonDepthProblem(nested(MAX_JSON_DEPTH + 1))).toMatch(/nested deeper than 64 levels/);
    expect(jsonDepthProblem(nested(100_000))).toMatch(/nested deeper than 64 levels/);
    expect(jsonDepthProblem('{"a":{"b":[{"c":1}]}}', 3)).toBe(
      'values are nested deeper than 3 levels (at character 12)',
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthProblem(`["${'['.repeat(1000)}", "\\"[[[[", {"k": "}}}"}]`, 2)).toBeUndefined();
  });
});

describe('the feed size limit', () => {
  it('is declared per feed in the catalog, with a default per format', () => {
    expect(maxFileBytes(feedById('storefront-order-import'))).toBe(16 * 1024 * 1024);
    expect(maxFileBytes(feedById('inventory-snapshot-import'))).toBe(2048 * 1024 * 1024);
    expect(maxFileBytes(feedById('product-import'))).toBe(DEFAULT_MAX_FILE_BYTES.csv);
    for (const feed of FEEDS.filter((f) => f.direction === 'inbound'))
      expect(maxFileBytes(feed)).toBeGreaterThan(0);
  });

  it('names the size, the feed and the limit', () => {
    const feed = feedById('product-import');
    expect(fileSizeProblem(feed, DEFAULT_MAX_FILE_BYTES.csv)).toBeUndefined();
    expect(fileSizeProblem(feed, DEFAULT_MAX_FILE_BYTES.csv + 1)).toBe(
      'the file has 1,073,741,825 bytes; the feed product-import accepts at most 1,073,741,824 bytes (maxBytes in the feed catalog)',
    );
  });
});

describe('HTTP API JSON bodies', () => {
  const status = (body: string, base64 = false) => {
    try {
      jsonBody(event(body, base64));
      return { statusCode: 200, body: '' };
    } catch (err) {
      return errorResponse(err) as { statusCode: number; body: string };
    }
  };

  it('refuses a body nested too deep: 400 saying why, before parsing', () => {
    const res = status(nested(100_000));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: 'BAD_REQUEST',
      message: 'the body is refused: values are nested deeper than 64 levels (at character 65)',
    });
  });

  it('refuses a body over the size limit: 413 saying the limit', () => {
    const big = JSON.stringify({ note: 'x'.repeat(MAX_JSON_BODY_BYTES) });
    const res = status(big);
    expect(res.statusCode).toBe(413);
    expect(JSON.parse(res.body)).toEqual({
      error: 'PAYLOAD_TOO_LARGE',
      message: `the body has ${big.length.toLocaleString('en-US')} bytes; a JSON body may have at most ${MAX_JSON_BODY_BYTES.toLocaleString('en-US')} bytes`,
    });
    expect(status(Buffer.from(big).toString('base64'), true).statusCode).toBe(413);
  });

  it('still reads ordinary bodies', () => {
    expect(jsonBody(event('{"a":[1,{"b":2}]}'))).toEqual({ a: [1, { b: 2 }] });
  });
});
