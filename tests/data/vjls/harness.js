// Runs the real VS Code JSON language service (the one inside VS Code) over payload texts.
// stdin: {"schemas": {uri: schema}, "cases": [{"name", "schema", "text", "completions": [offset, ...]}]}
// stdout: {name: {"diagnostics": [{line, character, endLine, endCharacter, severity, message}],
//                 "completions": {offset: [label, ...]}}}   (lines and characters 0-based)
"use strict";
const { getLanguageService } = require("vscode-json-languageservice");
const { TextDocument } = require("vscode-languageserver-textdocument");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const service = getLanguageService({
    schemaRequestService: (uri) => {
      if (uri in input.schemas) return Promise.resolve(JSON.stringify(input.schemas[uri]));
      return Promise.reject(new Error("no network in tests: " + uri));
    },
  });
  const out = {};
  for (const c of input.cases) {
    const uri = "file:///payloads/" + c.name + ".json";
    service.configure({ validate: true, allowComments: false, schemas: [{ uri: c.schema, fileMatch: [uri] }] });
    const doc = TextDocument.create(uri, "json", 1, c.text);
    const json = service.parseJSONDocument(doc);
    const diagnostics = await service.doValidation(doc, json, { schemaValidation: "error" });
    const completions = {};
    for (const offset of c.completions || []) {
      const list = await service.doComplete(doc, doc.positionAt(offset), json);
      completions[offset] = list ? list.items.map((i) => i.label) : [];
    }
    out[c.name] = {
      diagnostics: diagnostics.map((d) => ({
        line: d.range.start.line,
        character: d.range.start.character,
        endLine: d.range.end.line,
        endCharacter: d.range.end.character,
        severity: d.severity,
        message: d.message,
      })),
      completions,
    };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + "\n");
  process.exit(1);
});
