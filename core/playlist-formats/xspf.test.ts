import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXspf } from './xspf';

const wellFormed = `<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>Evening &amp; night</title>
  <trackList>
    <track>
      <location>file:///home/ana/Music/Caf%C3%A9/a.flac</location>
      <title>Caf&#233; &#x263A;</title>
      <creator><![CDATA[Tom & <Jerry>]]></creator>
      <duration>245000</duration>
    </track>
    <track>
      <location>relative/b.ogg</location>
      <location>http://mirror/b.ogg</location>
    </track>
    <track><title>Only a title</title></track>
  </trackList>
</playlist>
`;

describe('parseXspf', () => {
  it('reads the title and each track\'s first location, title, creator and duration (ms)', () => {
    const parsed = parseXspf(wellFormed);
    expect(parsed.title).toBe('Evening & night');
    expect(parsed.entries).toEqual([
      { location: 'file:///home/ana/Music/Caf%C3%A9/a.flac', title: 'Café ☺', artist: 'Tom & <Jerry>', durationSeconds: 245, line: 5 },
      { location: 'relative/b.ogg', line: 11 },
    ]);
    expect(parsed.problems).toEqual(['line 15: track 3 ("Only a title") has no location; Attune does not look tracks up by title']);
  });

  it('reads namespace prefixes and a BOM', () => {
    const parsed = parseXspf('\uFEFF<x:playlist xmlns:x="http://xspf.org/ns/0/"><x:trackList><x:track><x:location>a.mp3</x:location></x:track></x:trackList></x:playlist>');
    expect(parsed.entries.map((entry) => entry.location)).toEqual(['a.mp3']);
  });

  it('refuses a DOCTYPE: no entity expansion, no external entities', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<playlist><title>&lol2;</title><trackList><track><location>&lol2;.mp3</location></track></trackList></playlist>`;
    const external = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]><playlist><trackList><track><location>&secret;</location></track></trackList></playlist>';
    for (const text of [laughs, external]) {
      const parsed = parseXspf(text);
      expect(parsed.entries).toEqual([]);
      expect(parsed.problems).toEqual(['the XSPF file declares a DOCTYPE or entities, which a playlist never needs; it was not read']);
    }
  });

  it('leaves undeclared entities as written rather than expanding anything', () => {
    const parsed = parseXspf('<playlist><trackList><track><location>a&nbsp;&unknown;&#0;.mp3</location></track></trackList></playlist>');
    expect(parsed.entries[0]?.location).toBe('a&nbsp;&unknown;&#0;.mp3');
  });

  it('reports XML that is not well-formed, with its line, and a document that is not XSPF', () => {
    expect(parseXspf('<playlist>\n<trackList><track></trackList>\n</playlist>').problems[0]).toMatch(/^the XSPF file is not well-formed XML \(line 2: /);
    expect(parseXspf('<rss><channel/></rss>').problems).toEqual(['the file has no <playlist> element, so it is not XSPF']);
    expect(parseXspf(' \n').problems).toEqual(['the file is empty']);
  });

  it('refuses nesting deeper than a playlist ever needs, without running out of stack', () => {
    const deep = `<playlist>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</playlist>`;
    const parsed = parseXspf(deep);
    expect(parsed.entries).toEqual([]);
    expect(parsed.problems[0]).toMatch(/could not be read \(Maximum nested tags exceeded\)/);
  });

  it('ignores durations that are not whole milliseconds', () => {
    const parsed = parseXspf('<playlist><trackList><track><location>a.mp3</location><duration>-5</duration></track><track><location>b.mp3</location><duration>1e9</duration></track></trackList></playlist>');
    expect(parsed.entries.map((entry) => entry.durationSeconds)).toEqual([undefined, undefined]);
  });

  it('stops at the entry limit and says so', () => {
    const tracks = Array.from({ length: 12 }, (_, index) => `<track><location>${index}.mp3</location></track>`).join('');
    const parsed = parseXspf(`<playlist><trackList>${tracks}</trackList></playlist>`, { maxEntries: 10 });
    expect(parsed.entries).toHaveLength(10);
    expect(parsed.tooManyEntries).toBe(true);
  });

  it('never throws on any text or any mangling of a good file', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.nat(wellFormed.length), fc.nat(wellFormed.length), (noise, start, end) => {
        parseXspf(noise);
        parseXspf(wellFormed.slice(0, Math.min(start, end)) + noise + wellFormed.slice(Math.max(start, end)));
      }),
      { numRuns: 1000 },
    );
  });
});
