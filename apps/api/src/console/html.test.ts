import { escapeHtml, html, jsonScript, SafeHtml } from './html';

describe('html', () => {
  it('escapes every interpolated string, so a webhook value cannot inject markup', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<td title="${name}">${name}</td>`.text).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</td>',
    );
  });

  it('keeps nested templates as they are and joins arrays', () => {
    const items = ['a<', 'b'].map((x) => html`<li>${x}</li>`);
    // (Prettier lays out html`` templates over lines; the whitespace between tags is its own.)
    expect(
      html`<ul>
        ${items}
      </ul>`.text.replace(/>\s+</g, '><'),
    ).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });

  it('renders null, undefined and false as nothing, numbers and true as text', () => {
    expect(html`${null}${undefined}${false}${0}${12.5}${true}`.text).toBe('012.5true');
  });

  it('escapes the five characters that matter and nothing else', () => {
    expect(escapeHtml('KMN@123 Zoë & <b> "q" \'s\'')).toBe(
      'KMN@123 Zoë &amp; &lt;b&gt; &quot;q&quot; &#39;s&#39;',
    );
  });
});

describe('jsonScript', () => {
  it('embeds data that cannot close its script element and parses back to the same value', () => {
    const data = { name: '</script><script>alert(1)</script>', n: [1, 2] };
    const out = jsonScript('chart-data', data);
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.text).not.toContain('</script><script>');
    const json = /<script type="application\/json" id="chart-data">(.*)<\/script>$/s.exec(out.text)?.[1];
    expect(JSON.parse(json as string)).toEqual(data);
  });
});
