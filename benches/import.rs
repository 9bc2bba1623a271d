//! Importers: an OpenAPI 3.1 specification with 1,000 operations, and a 5 MB `.tm7` made
//! by repeating the drawing-surface contents of the fixture `webshop.tm7` (fresh GUIDs per
//! copy). Run: `cargo bench --bench import`. Figures are recorded in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::fmt::Write;
use std::time::Duration;

/// 500 paths × (get, put) = 1,000 operations, each with a request body of a shared
/// schema with personal and card fields, OAuth scopes on some.
fn openapi_1000() -> Vec<u8> {
    let mut paths = String::new();
    for i in 0..500 {
        let _ = write!(
            paths,
            r##""/v1/resource{i}/{{id}}": {{
  "parameters": [{{"name": "id", "in": "path", "required": true, "schema": {{"type": "string", "maxLength": 36}}}}],
  "get": {{"operationId": "get{i}", "summary": "Read resource {i}", "tags": ["group{g}"], "security": [{{"oauth": ["read"]}}],
          "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Customer{i}"}}}}}}}}}}}},
  "put": {{"operationId": "put{i}", "summary": "Replace resource {i}", "tags": ["group{g}"],
          "requestBody": {{"content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Customer{i}"}}}}}}}},
          "responses": {{"204": {{"description": "done"}}}}}}
}},"##,
            g = i % 10
        );
    }
    let mut schemas = String::new();
    for i in 0..500 {
        let _ = write!(
            schemas,
            r##""Customer{i}": {{"type": "object", "properties": {{
  "email": {{"type": "string", "maxLength": 200}}, "phone": {{"type": "string"}}, "card_number": {{"type": "string", "maxLength": 19}},
  "address": {{"$ref": "#/components/schemas/Address"}}, "notes": {{"type": "array", "items": {{"type": "string"}}}}}}}},"##
        );
    }
    format!(
        r##"{{"openapi": "3.1.0", "info": {{"title": "Big API", "version": "1.0.0"}},
"servers": [{{"url": "https://api.big.example"}}],
"paths": {{{}}},
"components": {{"schemas": {{{} "Address": {{"type": "object", "properties": {{"street": {{"type": "string"}}, "postcode": {{"type": "string"}}}}}}}},
"securitySchemes": {{"oauth": {{"type": "oauth2", "flows": {{"clientCredentials": {{"tokenUrl": "https://auth.big.example/token", "scopes": {{"read": "read"}}}}}}}}}}}}}}"##,
        paths.trim_end_matches(','),
        schemas
    )
    .into_bytes()
}

/// The fixture's elements and flows repeated (fresh GUIDs per copy) inside its own
/// `<Borders>` and `<Lines>` lists until the file is at least 5 MB. (Its threats are not
/// repeated: they refer to the original flows.)
fn tm7_5mb() -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/tm7/webshop.tm7");
    let text = std::fs::read_to_string(path).expect("fixture");
    let guids = guids(&text);
    let mut out = text.clone();
    let mut n = 0u32;
    while out.len() < 5 * 1024 * 1024 {
        n += 1;
        let mut copy = text.clone();
        for (i, g) in guids.iter().enumerate() {
            copy = copy.replace(g.as_str(), &format!("{n:08x}-0000-4000-8000-{i:012x}"));
        }
        let (borders, lines) = (extract(&copy, "Borders"), extract(&copy, "Lines"));
        if borders.is_empty() && lines.is_empty() {
            break;
        }
        if let Some(at) = out.find("</Borders>") {
            out.insert_str(at, &borders);
        }
        if let Some(at) = out.rfind("</Lines>") {
            out.insert_str(at, &lines);
        }
    }
    out.into_bytes()
}

/// The inner content of the first `<tag …>…</tag>` in `s`.
fn extract(s: &str, tag: &str) -> String {
    let Some(start) = s.find(&format!("<{tag}")) else { return String::new() };
    let Some(open_end) = s[start..].find('>') else { return String::new() };
    let Some(end) = s.find(&format!("</{tag}>")) else { return String::new() };
    s[start + open_end + 1..end].to_owned()
}

/// Every GUID in the text (8-4-4-4-12 hex), distinct, in order of appearance.
fn guids(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let mut out: Vec<String> = Vec::new();
    let shape = [8, 4, 4, 4, 12];
    let mut i = 0;
    while i + 36 <= b.len() {
        let cand = &s[i..i + 36];
        let ok = cand.split('-').map(str::len).eq(shape.iter().copied())
            && cand.chars().all(|c| c == '-' || c.is_ascii_hexdigit());
        if ok {
            if !out.iter().any(|g| g == cand) {
                out.push(cand.to_owned());
            }
            i += 36;
        } else {
            i += 1;
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(1));
    let spec = openapi_1000();
    let tm7 = tm7_5mb();
    eprintln!("openapi spec: {} bytes; tm7: {} bytes", spec.len(), tm7.len());
    let one = vec![("big.json".to_owned(), spec)];
    let probe = threatwright::io::import::openapi::import(&one, threatwright::io::import::openapi::Split::Spec)
        .expect("the generated spec imports");
    assert!(probe.model.data_assets.len() >= 2);
    group.bench_function("openapi_1000_operations", |b| {
        b.iter(|| {
            threatwright::io::import::openapi::import(&one, threatwright::io::import::openapi::Split::Spec)
                .map(|i| i.model.flows.len())
        })
    });
    let probe = threatwright::io::import::tm7::import(&tm7, "big.tm7").expect("the generated tm7 imports");
    eprintln!("tm7: {} elements, {} threats", probe.model.elements().count(), probe.model.threats.len());
    group.bench_function("tm7_5_mb", |b| {
        b.iter(|| threatwright::io::import::tm7::import(&tm7, "big.tm7").map(|i| i.model.flows.len()))
    });
    group.finish();
}

criterion_group!(import_benches, benches);
criterion_main!(import_benches);
