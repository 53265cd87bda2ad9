import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsInText, setKeepUrlQuery } from '../../src/shared/redact-url.js';

describe('redactUrl', () => {
  it('drops the parameters that sign or authorise a URL, whatever the signer', () => {
    expect(
      redactUrl('https://b.s3.amazonaws.com/f.json.gz?X-Amz-Algorithm=AWS4&X-Amz-Credential=AK%2F1&X-Amz-Date=2026&X-Amz-Expires=3600&X-Amz-Signature=ab12'),
    ).toBe('https://b.s3.amazonaws.com/f.json.gz');
    expect(redactUrl('https://d1.cloudfront.net/f.json.gz?Expires=1700000000&Signature=xyz&Key-Pair-Id=K2')).toBe('https://d1.cloudfront.net/f.json.gz');
    expect(redactUrl('https://d1.cloudfront.net/f.json.gz?Policy=eyJ&Signature=xyz&Key-Pair-Id=K2')).toBe('https://d1.cloudfront.net/f.json.gz');
    expect(redactUrl('https://a.blob.core.windows.net/c/f.json.gz?sv=2022-11-02&se=2026-12-05&sp=r&sig=abc%3D')).toBe(
      'https://a.blob.core.windows.net/c/f.json.gz?sv=2022-11-02&se=2026-12-05&sp=r',
    );
    expect(redactUrl('https://s.googleapis.com/b/f.gz?GoogleAccessId=sa%40x&Expires=1&Signature=q')).toBe('https://s.googleapis.com/b/f.gz');
    expect(redactUrl('https://cdn.test/f.gz?hdnts=exp%3D1~hmac%3Dab&__token__=t&access_token=a&apikey=k#part')).toBe('https://cdn.test/f.gz');
    expect(redactUrl('https://mrf.azurewebsites.net/api/download?code=FunctionKey%3D%3D&file=a.json.gz')).toBe('https://mrf.azurewebsites.net/api/download?file=a.json.gz');
  });

  it('keeps the parameters that pick the file, so two files never look like one', () => {
    const a = redactUrl('https://payer.test/get?file=A.json.gz&X-Amz-Signature=aa');
    const b = redactUrl('https://payer.test/get?file=B.json.gz&X-Amz-Signature=bb');
    expect(a).toBe('https://payer.test/get?file=A.json.gz');
    expect(b).toBe('https://payer.test/get?file=B.json.gz');
    // The same file signed twice is one file.
    expect(redactUrl('https://payer.test/get?file=A.json.gz&X-Amz-Signature=cc')).toBe(a);
    expect(redactUrl('https://payer.test/download?fileId=42&key=in-network%2Fa.json')).toBe('https://payer.test/download?fileId=42&key=in-network%2Fa.json');
  });

  it('leaves local paths alone and redacts every URL inside a text', () => {
    expect(redactUrl('/data/f.json?x=1')).toBe('/data/f.json?x=1');
    expect(redactUrlsInText('HTTP 403 for https://h.test/f?id=1&sig=s and https://h.test/g?token=t')).toBe('HTTP 403 for https://h.test/f?id=1 and https://h.test/g');
  });

  it('drops a user name and password before the host, even when the query is kept', () => {
    expect(redactUrl('http://user:SECRET@127.0.0.1:18081/a.json.gz?file=a&sig=s')).toBe('http://127.0.0.1:18081/a.json.gz?file=a');
    expect(redactUrl('https://token@h.test')).toBe('https://h.test');
    // An @ after the host is part of the path or query, not a login.
    expect(redactUrl('https://h.test/files/a@b.json?by=x@y')).toBe('https://h.test/files/a@b.json?by=x@y');
    expect(redactUrlsInText('HTTP 404 (redirected to http://bob:PW@h.test/x)')).toBe('HTTP 404 (redirected to http://h.test/x)');
    setKeepUrlQuery(true);
    try {
      expect(redactUrl('https://bob:PW@h.test/f?sig=s')).toBe('https://h.test/f?sig=s');
    } finally {
      setKeepUrlQuery(false);
    }
  });
});
