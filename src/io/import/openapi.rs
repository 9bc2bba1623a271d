//! OpenAPI 3.0 / 3.1 (YAML or JSON) → model: per specification (or per tag group) a
//! process serving the API, an external entity for its clients, request and response
//! flows, an internet boundary when a server is public, an API inventory entry; security
//! schemes become authentication properties; data assets are *suggested* from schema
//! property names (a documented heuristic, reported, never silently trusted).
//!
//! Parsing: YAML through serde_norway into JSON values, then the `oas3` crate's types.
//! `oas3` reads 3.1; a 3.0 document is lifted to 3.1 in memory first (boolean
//! `exclusiveMinimum`/`exclusiveMaximum` become numbers, `nullable` is dropped), the one
//! difference between the versions that changes the document's shape for these types.
//! References are followed by this module, with a bound and a visited set, so cyclic or
//! self-referencing `$ref`s end with a note instead of a stack overflow.

use super::{Imported, Keys, NoteKind, Report, blank, blank_flow};
use crate::model::props::{
    Access, ApiAudience, ApiDirection, ApiStatus, Authentication, Authorization, BoundaryKind, BoundaryTrust,
    Classification, CredentialPlace, DataCategory, Encryption, Need, ProcessKind, Protocol, TrustLevel,
};
use crate::model::{ApiEntry, Boundary, DataAsset, ExternalEntity, Flow, Key, Model, Process};
use oas3::spec::{ObjectOrReference, ObjectSchema, Operation, Schema, SecurityScheme, Spec};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// How to cut a specification into processes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Split {
    /// One process per specification.
    #[default]
    Spec,
    /// One process per tag group (an operation's first tag; untagged ones together).
    Tag,
}

/// One specification, read and checked.
pub struct Source {
    pub name: String,
    pub spec: Spec,
}

/// Reads one specification (YAML or JSON, 3.0.x or 3.1.x). Errors name the file.
pub fn parse(bytes: &[u8], name: &str) -> Result<Source, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: not UTF-8 text ({e})"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("{name}: not valid JSON: {e}"))?
    } else {
        serde_norway::from_str(text).map_err(|e| format!("{name}: not valid YAML: {e}"))?
    };
    let Some(root) = value.as_object() else {
        return Err(format!("{name}: not an OpenAPI document (the top level is not a mapping)"));
    };
    if root.contains_key("swagger") {
        return Err(format!(
            "{name}: Swagger 2.0 is not supported; convert it to OpenAPI 3 first (for example with swagger2openapi)"
        ));
    }
    let version = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => return Err(format!("{name}: `openapi` must be a version string like \"3.1.0\", not {other}")),
        None => return Err(format!("{name}: not an OpenAPI document (no `openapi` version field)")),
    };
    if version.starts_with("3.0") {
        lift_30(&mut value);
    } else if !version.starts_with("3.1") {
        return Err(format!("{name}: OpenAPI {version} is not supported (3.0.x and 3.1.x are)"));
    }
    for (field, want) in
        [("paths", "a mapping"), ("servers", "a list"), ("components", "a mapping"), ("info", "a mapping")]
    {
        let ok = match value.get(field) {
            None | Some(Value::Null) => true,
            Some(Value::Object(_)) => want == "a mapping",
            Some(Value::Array(_)) => want == "a list",
            Some(_) => false,
        };
        if !ok {
            return Err(format!("{name}: `{field}` must be {want}"));
        }
    }
    let spec: Spec =
        serde_json::from_value(value).map_err(|e| format!("{name}: not a valid OpenAPI {version} document: {e}"))?;
    Ok(Source { name: name.to_owned(), spec })
}

/// OpenAPI 3.0 → 3.1 for the parts whose shape differs (in place).
fn lift_30(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("nullable");
            for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                if let Some(Value::Bool(b)) = m.get(flag).cloned() {
                    m.remove(flag);
                    if b && let Some(n) = m.remove(bound) {
                        m.insert(flag.to_owned(), n);
                    }
                }
            }
            m.values_mut().for_each(lift_30);
        }
        Value::Array(a) => a.iter_mut().for_each(lift_30),
        _ => {}
    }
}

/// The data-asset heuristic: property names (lower case, `_`/`-` removed) that suggest a
/// category. Matching is on whole words of the name or known compounds, so `zipcode` is
/// personal but `tokenizer_version` is not a credential.
const HINTS: &[(DataCategory, &[&str])] = &[
    (
        DataCategory::Cardholder,
        &[
            "cardnumber",
            "pan",
            "cvv",
            "cvc",
            "cvv2",
            "cardholder",
            "cardholdername",
            "expirymonth",
            "expmonth",
            "cardexpiry",
            "track2",
        ],
    ),
    (
        DataCategory::Credentials,
        &[
            "password",
            "passwd",
            "secret",
            "clientsecret",
            "token",
            "accesstoken",
            "refreshtoken",
            "idtoken",
            "apikey",
            "otp",
            "pin",
            "passcode",
            "privatekey",
            "sessionid",
        ],
    ),
    (
        DataCategory::Personal,
        &[
            "email",
            "emailaddress",
            "phone",
            "phonenumber",
            "mobile",
            "firstname",
            "lastname",
            "fullname",
            "surname",
            "givenname",
            "dateofbirth",
            "dob",
            "birthdate",
            "address",
            "streetaddress",
            "postcode",
            "postalcode",
            "zipcode",
            "ssn",
            "nationalid",
            "passportnumber",
            "taxid",
            "ipaddress",
            "gender",
            "nationality",
        ],
    ),
    (DataCategory::Financial, &["iban", "bic", "accountnumber", "routingnumber", "sortcode", "salary", "balance"]),
    (
        DataCategory::Health,
        &["diagnosis", "medication", "allergies", "allergy", "medicalhistory", "vaccination", "bloodtype"],
    ),
];

/// The category a property name suggests, if any.
pub fn category_of(property: &str) -> Option<DataCategory> {
    let norm: String = property.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    // Whole name first, then its words (snake/kebab/camel case).
    let mut words = vec![norm.clone()];
    let mut word = String::new();
    let mut prev_lower = false;
    for c in property.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    let whole = |w: &str| HINTS.iter().find(|(_, names)| names.contains(&w)).map(|(c, _)| *c);
    if let Some(c) = whole(&norm) {
        return Some(c);
    }
    // A name *about* a sensitive value is not the value: `secret_name`, `token_expires_at`,
    // `email_verified`, `password_length`.
    if words.last().is_some_and(|w| ABOUT.contains(&w.as_str())) {
        return None;
    }
    words.iter().skip(1).find_map(|w| whole(w))
}

/// Last words that make a name metadata about a value rather than the value.
const ABOUT: &[&str] = &[
    "name",
    "names",
    "id",
    "ids",
    "type",
    "types",
    "count",
    "url",
    "uri",
    "at",
    "expires",
    "expiry",
    "expiration",
    "length",
    "enabled",
    "required",
    "status",
    "hint",
    "prefix",
    "suffix",
    "last4",
    "verified",
    "set",
    "policy",
    "scopes",
    "scope",
    "format",
    "version",
    "visibility",
    "updated",
    "created",
];

fn category_label(c: DataCategory) -> (&'static str, &'static str, Classification) {
    match c {
        DataCategory::Cardholder => ("card-data", "Card data", Classification::Restricted),
        DataCategory::Credentials => ("credentials", "Credentials and tokens", Classification::Restricted),
        DataCategory::Personal => ("personal-data", "Personal data", Classification::Confidential),
        DataCategory::Financial => ("financial-data", "Financial data", Classification::Confidential),
        DataCategory::Health => ("health-data", "Health data", Classification::Restricted),
        DataCategory::Secrets => ("secrets", "Secrets", Classification::Restricted),
        DataCategory::BusinessConfidential => {
            ("business-confidential", "Business-confidential data", Classification::Confidential)
        }
        DataCategory::IntellectualProperty => {
            ("intellectual-property", "Intellectual property", Classification::Confidential)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_suggest_categories_but_names_about_values_do_not() {
        for (name, want) in [
            ("email", Some(DataCategory::Personal)),
            ("contactEmail", Some(DataCategory::Personal)),
            ("date_of_birth", Some(DataCategory::Personal)),
            ("password", Some(DataCategory::Credentials)),
            ("client_secret", Some(DataCategory::Credentials)),
            ("refreshToken", Some(DataCategory::Credentials)),
            ("card_number", Some(DataCategory::Cardholder)),
            ("cvv", Some(DataCategory::Cardholder)),
            ("iban", Some(DataCategory::Financial)),
            ("diagnosis", Some(DataCategory::Health)),
            ("secret_name", None),
            ("token_expires_at", None),
            ("email_verified", None),
            ("password_length", None),
            ("tokenizer", None),
            ("description", None),
        ] {
            assert_eq!(category_of(name), want, "{name}");
        }
    }

    #[test]
    fn long_titles_keep_their_keys_apart() {
        let spec = br#"{"openapi": "3.0.3", "info": {"title": "GitHub's official OpenAPI spec + Octokit extension", "version": "1"},
            "servers": [{"url": "https://api.github.com"}], "paths": {"/": {"get": {"operationId": "root", "responses": {"200": {"description": "ok"}}}}}}"#;
        let i = import(&[("gh.json".into(), spec.to_vec())], Split::Spec).unwrap();
        let keys: Vec<String> = i.model.elements().map(|e| e.key().to_string()).collect();
        assert!(keys.iter().any(|k| k.ends_with("-clients")), "{keys:?}");
        assert!(keys.iter().any(|k| k.ends_with("-service")), "{keys:?}");
        assert!(keys.iter().all(|k| k.len() <= 48), "{keys:?}");
    }
}

/// What the importer learned about one group of operations (a spec or a tag group).
#[derive(Default)]
struct Group {
    label: String,
    operations: Vec<Op>,
}

struct Op {
    id: String,
    /// `METHOD /path`.
    route: String,
    /// Not a safe method (GET, HEAD, OPTIONS, TRACE).
    changes_state: bool,
    deprecated: bool,
    documented: bool,
    /// Scheme names of the requirement alternatives; empty list: no authentication.
    security: Vec<Vec<String>>,
    scopes: bool,
    /// Fields suggesting each category, as `Schema.property`, in requests and responses.
    request: BTreeMap<DataCategory, BTreeSet<String>>,
    response: BTreeMap<DataCategory, BTreeSet<String>>,
    uncapped: Vec<String>,
}

impl Op {
    /// Callable without authentication: no requirement, or an empty alternative (`{}`).
    fn open(&self) -> bool {
        self.security.is_empty() || self.security.iter().any(Vec::is_empty)
    }
}

/// Follows `$ref`s of schemas, at most `HOPS` deep, to an inline object schema.
const HOPS: usize = 32;

struct Walker<'s> {
    spec: &'s Spec,
    source: &'s str,
    broken: BTreeSet<String>,
    cycles: BTreeSet<String>,
}

impl<'s> Walker<'s> {
    fn schema(&mut self, s: &'s Schema) -> Option<(&'s ObjectSchema, Option<String>)> {
        let mut current = s;
        let mut name = None;
        for _ in 0..HOPS {
            match current {
                Schema::Boolean(_) => return None,
                Schema::Object(o) => match o.as_ref() {
                    ObjectOrReference::Object(x) => return Some((x, name)),
                    ObjectOrReference::Ref { ref_path, .. } => {
                        let target = ref_path.strip_prefix("#/components/schemas/");
                        match target.and_then(|n| self.spec.components.as_ref()?.schemas.get(n).map(|s| (n, s))) {
                            Some((n, next)) => {
                                name = Some(n.to_owned());
                                current = next;
                            }
                            None => {
                                self.broken(ref_path);
                                return None;
                            }
                        }
                    }
                },
            }
        }
        self.cycles.insert(format!("#/components/schemas/{}", name.unwrap_or_default()));
        None
    }

    fn broken(&mut self, r: &str) {
        self.broken.insert(r.to_owned());
    }

    /// The spec's reference problems, as an error naming them.
    fn check(&self) -> Result<(), String> {
        if !self.broken.is_empty() {
            let refs: Vec<&str> = self.broken.iter().map(String::as_str).collect();
            return Err(format!(
                "{}: `$ref` {} cannot be resolved (missing from `components`, or in another file, which imports do not follow)",
                self.source,
                list(&refs)
            ));
        }
        if !self.cycles.is_empty() {
            let refs: Vec<&str> = self.cycles.iter().map(String::as_str).collect();
            return Err(format!(
                "{}: `$ref` cycle with no schema in it: {} only refer(s) to references (a schema may refer to itself inside its properties, not as a whole)",
                self.source,
                list(&refs)
            ));
        }
        Ok(())
    }

    /// Walks a schema's properties (through arrays, compositions and references; each
    /// named schema once), collecting the categories their names suggest and the
    /// uncapped strings and arrays.
    fn walk(
        &mut self,
        s: &'s Schema,
        at: &str,
        seen: &mut BTreeSet<String>,
        found: &mut BTreeMap<DataCategory, BTreeSet<String>>,
        uncapped: &mut Vec<String>,
    ) {
        let Some((o, name)) = self.schema(s) else { return };
        if let Some(n) = &name
            && !seen.insert(n.clone())
        {
            return; // each named schema once: cycles end here
        }
        let here = name.unwrap_or_else(|| at.to_owned());
        let is = |t| o.schema_type.as_ref().is_some_and(|ts| ts.contains(t));
        if is(oas3::spec::SchemaType::String)
            && o.max_length.is_none()
            && o.enum_values.is_empty()
            && o.format.is_none()
        {
            uncapped.push(here.clone());
        }
        if is(oas3::spec::SchemaType::Array) && o.max_items.is_none() {
            uncapped.push(format!("{here}[]"));
        }
        for (prop, ps) in &o.properties {
            if let Some(c) = category_of(prop) {
                found.entry(c).or_default().insert(format!("{here}.{prop}"));
            }
            self.walk(ps, &format!("{here}.{prop}"), seen, found, uncapped);
        }
        for sub in o.all_of.iter().chain(&o.any_of).chain(&o.one_of).chain(o.items.as_deref()) {
            self.walk(sub, &here, seen, found, uncapped);
        }
        if let Some(ap) = &o.additional_properties {
            self.walk(ap, &here, seen, found, uncapped);
        }
    }
}

fn methods(spec: &Spec) -> Vec<(String, String, &Operation)> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter().flatten() {
        for (m, op) in item.methods() {
            out.push((path.clone(), m.as_str().to_owned(), op));
        }
    }
    out
}

/// An inline object, or the component a `#/components/<section>/Name` reference names
/// (one hop: a missing target, or one that is itself a reference, is recorded as broken).
fn component<'a, T>(
    w: &mut Walker<'a>,
    o: &'a ObjectOrReference<T>,
    prefix: &str,
    lookup: impl Fn(&'a oas3::spec::Components, &str) -> Option<&'a ObjectOrReference<T>>,
) -> Option<&'a T> {
    match o {
        ObjectOrReference::Object(x) => Some(x),
        ObjectOrReference::Ref { ref_path, .. } => {
            let spec = w.spec;
            match ref_path.strip_prefix(prefix).and_then(|n| lookup(spec.components.as_ref()?, n)) {
                Some(ObjectOrReference::Object(x)) => Some(x),
                _ => {
                    w.broken(ref_path);
                    None
                }
            }
        }
    }
}

fn op_of<'a>(w: &mut Walker<'a>, path: &str, method: &str, op: &'a Operation) -> Op {
    let spec = w.spec;
    let id = op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
    let security: Vec<Vec<String>> =
        if op.security.is_empty() && !has_security_field(op) { &spec.security } else { &op.security }
            .iter()
            .map(|r| r.0.keys().cloned().collect())
            .collect();
    let scopes = op.security.iter().chain(&spec.security).any(|r| r.0.values().any(|s| !s.is_empty()));
    let route = format!("{} {path}", method.to_ascii_uppercase());
    let changes_state = !matches!(method.to_ascii_lowercase().as_str(), "get" | "head" | "options" | "trace");
    let mut o = Op {
        id,
        route,
        changes_state,
        deprecated: op.deprecated == Some(true),
        documented: op.summary.as_deref().is_some_and(|s| !s.trim().is_empty())
            || op.description.as_deref().is_some_and(|s| !s.trim().is_empty()),
        security,
        scopes,
        request: BTreeMap::new(),
        response: BTreeMap::new(),
        uncapped: Vec::new(),
    };
    let mut seen = BTreeSet::new();
    if let Some(body) = &op.request_body {
        let body = component(w, body, "#/components/requestBodies/", |c, n| c.request_bodies.get(n));
        for mt in body.iter().flat_map(|b| b.content.values()) {
            if let Some(s) = &mt.schema {
                w.walk(s, &o.id, &mut seen, &mut o.request, &mut o.uncapped);
            }
        }
    }
    for p in &op.parameters {
        if let Some(p) = component(w, p, "#/components/parameters/", |c, n| c.parameters.get(n))
            && let Some(c) = category_of(&p.name)
        {
            o.request.entry(c).or_default().insert(format!("{} parameter {}", o.id, p.name));
        }
    }
    let mut seen = BTreeSet::new();
    let mut ignored = Vec::new();
    for r in op.responses.iter().flat_map(|r| r.values()) {
        let r = component(w, r, "#/components/responses/", |c, n| c.responses.get(n));
        for mt in r.iter().flat_map(|r| r.content.values()) {
            if let Some(s) = &mt.schema {
                w.walk(s, &o.id, &mut seen, &mut o.response, &mut ignored);
            }
        }
    }
    o
}

/// oas3 reads a missing `security` and `security: []` alike (an empty list); the
/// difference matters (inherit vs no authentication), so the extension map cannot tell
/// it and the raw check is done on the value before parsing. See `explicit_open`.
fn has_security_field(op: &Operation) -> bool {
    // oas3 keeps `x-` extensions without their prefix.
    op.extensions.contains_key("threatwright-security-stated")
}

/// Marks operations that state `security` (so that `security: []` means "open" and a
/// missing one means "inherit"), before the typed parse loses the difference.
fn mark_stated_security(v: &mut Value) {
    let Some(paths) = v.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (m, op) in item.iter_mut() {
            if !matches!(m.as_str(), "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") {
                continue;
            }
            if let Some(op) = op.as_object_mut()
                && op.contains_key("security")
            {
                op.insert("x-threatwright-security-stated".into(), Value::Bool(true));
            }
        }
    }
}

/// A server URL with its variables filled with their defaults.
fn server_url(s: &oas3::spec::Server) -> String {
    let mut url = s.url.clone();
    for (k, v) in &s.variables {
        url = url.replace(&format!("{{{k}}}"), &v.default);
    }
    url
}

/// Whether a server URL is reachable from the internet (absolute, and not a private or
/// internal host).
fn is_public(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else { return false };
    let host = rest.split(['/', ':', '?']).next().unwrap_or("").to_ascii_lowercase();
    let private = host == "localhost"
        || host.starts_with("127.")
        || host.starts_with("10.")
        || host.starts_with("192.168.")
        || (host.starts_with("172.")
            && host.split('.').nth(1).and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (16..=31).contains(&n)))
        || [".internal", ".local", ".localdomain", ".corp", ".lan", ".intranet", ".svc", ".cluster.local"]
            .iter()
            .any(|s| host.ends_with(s))
        || host.split('.').any(|part| matches!(part, "internal" | "intranet" | "corp" | "private"))
        || !host.contains('.');
    !host.is_empty() && !private
}

/// Where a security scheme puts the credential in a request.
fn credential_place(s: &SecurityScheme) -> Option<CredentialPlace> {
    match s {
        SecurityScheme::ApiKey { location, .. } => match location.to_ascii_lowercase().as_str() {
            "query" => Some(CredentialPlace::QueryString),
            "cookie" => Some(CredentialPlace::Cookie),
            "header" => Some(CredentialPlace::Header),
            _ => None,
        },
        SecurityScheme::Http { .. } | SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. } => {
            Some(CredentialPlace::Header)
        }
        SecurityScheme::MutualTls { .. } => None,
    }
}

/// Our authentication property for a security scheme.
fn authentication_of(s: &SecurityScheme) -> Authentication {
    match s {
        SecurityScheme::ApiKey { .. } => Authentication::ApiKey,
        SecurityScheme::Http { scheme, bearer_format, .. } => match scheme.to_ascii_lowercase().as_str() {
            "basic" => Authentication::Basic,
            "bearer" if bearer_format.as_deref().is_some_and(|f| f.eq_ignore_ascii_case("jwt")) => Authentication::Jwt,
            "bearer" => Authentication::Oauth2,
            _ => Authentication::Session,
        },
        SecurityScheme::OAuth2 { .. } => Authentication::Oauth2,
        SecurityScheme::OpenIdConnect { .. } => Authentication::Oidc,
        SecurityScheme::MutualTls { .. } => Authentication::Mtls,
    }
}

/// Imports specifications into a new model.
pub fn import(specs: &[(String, Vec<u8>)], split: Split) -> Result<Imported, String> {
    let mut sources = Vec::new();
    for (name, bytes) in specs {
        let mut src = parse_marked(bytes, name)?;
        src.name = name.clone();
        sources.push(src);
    }
    let title = match sources.as_slice() {
        [one] => one.spec.info.title.clone(),
        _ => "Imported APIs".to_owned(),
    };
    let mut model = Model::new(title);
    let mut report = Report::new("openapi", &specs.first().map(|s| s.0.clone()).unwrap_or_default());
    report.sources = specs.iter().map(|s| s.0.clone()).collect();
    let mut keys = Keys::new();
    for src in &sources {
        add_spec(&mut model, &mut keys, src, split, &mut report)?;
    }
    if let [one] = sources.as_slice() {
        model.system.description = one.spec.info.description.clone().or_else(|| one.spec.info.summary.clone());
        model.system.owner = one.spec.info.contact.as_ref().and_then(|c| c.name.clone().or_else(|| c.email.clone()));
        model.system.version = Some(one.spec.info.version.clone());
    }
    model.canonicalize();
    report.count(&model);
    Ok(Imported { model, report })
}

/// `parse`, keeping track of which operations state `security`.
fn parse_marked(bytes: &[u8], name: &str) -> Result<Source, String> {
    // Parse once to values to mark, then type; `parse` does the checks and messages.
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: not UTF-8 text ({e})"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("{name}: not valid JSON: {e}"))?
    } else {
        serde_norway::from_str(text).map_err(|e| format!("{name}: not valid YAML: {e}"))?
    };
    mark_stated_security(&mut value);
    let marked = serde_json::to_vec(&value).map_err(|e| format!("{name}: {e}"))?;
    parse(&marked, name)
}

fn add_spec(model: &mut Model, keys: &mut Keys, src: &Source, split: Split, report: &mut Report) -> Result<(), String> {
    let spec = &src.spec;
    let title = spec.info.title.trim().to_owned();
    let title = if title.is_empty() { src.name.clone() } else { title };
    // Keys are at most 48 characters: the title part is cut so that suffixes survive.
    let short: String = title.chars().take(30).collect();
    let take = |keys: &mut Keys, suffix: &str, fallback: &str| keys.take(&format!("{short} {suffix}"), fallback);
    let servers: Vec<String> = spec.servers.iter().map(server_url).collect();
    let public = servers.iter().any(|u| is_public(u));
    let plain_http: Vec<&String> = servers.iter().filter(|u| u.starts_with("http://")).collect();
    for u in &plain_http {
        report.note(
            NoteKind::NeedsReview,
            Some(format!("{}: servers", src.name)),
            None,
            format!("server {u} uses http: without TLS; its flows are marked unencrypted"),
        );
    }
    if servers.is_empty() {
        report.note(
            NoteKind::NeedsReview,
            Some(src.name.clone()),
            None,
            "no servers: where the API is reachable is unknown",
        );
    }
    let schemes: BTreeMap<String, SecurityScheme> = spec
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .filter_map(|(n, s)| match s {
            ObjectOrReference::Object(s) => Some((n.clone(), s.clone())),
            ObjectOrReference::Ref { .. } => None,
        })
        .collect();

    // Read every operation.
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut walker = Walker { spec, source: &src.name, broken: BTreeSet::new(), cycles: BTreeSet::new() };
    for (path, method, op) in methods(spec) {
        let o = op_of(&mut walker, &path, &method, op);
        let group = match split {
            Split::Spec => title.clone(),
            Split::Tag => op.tags.first().cloned().unwrap_or_else(|| "untagged".to_owned()),
        };
        let g = groups.entry(group.clone()).or_insert_with(|| Group { label: group, ..Default::default() });
        g.operations.push(o);
    }
    walker.check()?;
    if groups.is_empty() {
        groups.insert(title.clone(), Group { label: title.clone(), ..Default::default() });
    }

    // The clients, and the internet boundary around them when a server is public.
    let anonymous = groups.values().flat_map(|g| &g.operations).any(|o| o.open());
    let clients_key = take(keys, "clients", "clients");
    let mut clients: ExternalEntity = blank(&clients_key);
    clients.name = Some(format!("{title} clients"));
    clients.description = Some(format!("Whoever calls {title}, as its OpenAPI specification describes it."));
    clients.trust = Some(if anonymous { TrustLevel::Anonymous } else { TrustLevel::AuthenticatedUser });
    report.note(
        NoteKind::Inferred,
        Some(src.name.clone()),
        Some(&clients_key),
        if anonymous {
            "clients are anonymous: some operations need no authentication"
        } else {
            "clients are authenticated users: every operation states a security requirement"
        },
    );
    model.external_entities.push(clients);
    if public {
        let key = match model.boundaries.iter().find(|b| b.kind == Some(BoundaryKind::Internet)) {
            Some(b) => b.key.clone(),
            None => {
                let k = keys.take("Internet", "internet");
                let mut b: Boundary = blank(&k);
                b.name = Some("Internet".into());
                b.kind = Some(BoundaryKind::Internet);
                b.trust = Some(BoundaryTrust::Untrusted);
                model.boundaries.push(b);
                k
            }
        };
        if let Some(b) = model.boundaries.iter_mut().find(|b| b.key == key) {
            b.members.push(clients_key.clone());
        }
    }

    // Data assets suggested by the whole specification, one per category.
    let mut assets: BTreeMap<DataCategory, (Key, BTreeSet<String>)> = BTreeMap::new();
    for o in groups.values().flat_map(|g| &g.operations) {
        for (c, fields) in o.request.iter().chain(&o.response) {
            let entry = assets.entry(*c).or_insert_with(|| {
                let (k, _, _) = category_label(*c);
                (take(keys, k, k), BTreeSet::new())
            });
            entry.1.extend(fields.iter().cloned());
        }
    }
    for (c, (key, fields)) in &assets {
        let (_, label, classification) = category_label(*c);
        let mut a: DataAsset = blank(key);
        a.name = Some(format!("{label} ({title})"));
        let shown: Vec<&str> = fields.iter().take(12).map(String::as_str).collect();
        a.description = Some(format!(
            "Suggested by the OpenAPI import from field names: {}{}.",
            shown.join(", "),
            if fields.len() > shown.len() {
                format!(" and {} more", fields.len() - shown.len())
            } else {
                String::new()
            }
        ));
        a.classification = Some(classification);
        a.categories.insert(*c);
        a.confidentiality = Some(Need::High);
        a.tags.insert("suggested".into());
        report.note(
            NoteKind::Inferred,
            Some(src.name.clone()),
            Some(key),
            format!(
                "{label} suggested by {} field name(s), e.g. {}",
                fields.len(),
                shown.first().copied().unwrap_or("")
            ),
        );
        model.data_assets.push(a);
    }

    // One process, API entry and request/response flows per group.
    for g in groups.values() {
        let name = if split == Split::Tag { format!("{title} — {}", g.label) } else { title.clone() };
        // Keys are at most 48 characters: the title part is cut so that suffixes survive.
        let label: String = if split == Split::Tag { format!("{short} {}", g.label) } else { short.clone() };
        let label: String = label.chars().take(40).collect();
        let pkey = if label.to_ascii_lowercase().ends_with("service") {
            keys.take(&label, "api-service")
        } else {
            keys.take(&format!("{label} service"), "api-service")
        };
        let mut p: Process = blank(&pkey);
        p.name = Some(name.clone());
        p.kind = Some(ProcessKind::Service);
        p.internet_facing = Some(public);
        p.description = spec
            .info
            .description
            .as_deref()
            .map(|d| d.lines().next().unwrap_or("").to_owned())
            .filter(|d| !d.is_empty());
        p.tags.insert("openapi".into());
        // Authentication: the strongest scheme the operations ask for; none when some
        // operation asks for none.
        let used: BTreeSet<&String> = g.operations.iter().flat_map(|o| o.security.iter().flatten()).collect();
        let mut auths: Vec<Authentication> =
            used.iter().filter_map(|n| schemes.get(*n)).map(authentication_of).collect();
        auths.sort_by_key(|a| strength(*a));
        let open_ops: Vec<&Op> = g.operations.iter().filter(|o| o.open()).collect();
        let open: Vec<&str> = open_ops.iter().map(|o| o.id.as_str()).collect();
        p.authentication = Some(auths.last().copied().unwrap_or(Authentication::None));
        if !open.is_empty() && open.len() < g.operations.len() {
            // Some routes are open on an API that otherwise signs callers in.
            p.operations = open_ops
                .iter()
                .map(|o| crate::model::Operation {
                    route: o.route.clone(),
                    access: Some(if o.security.is_empty() { Access::Anonymous } else { Access::OptionalLogin }),
                    authorization: None,
                    admin: None,
                    changes_state: Some(o.changes_state),
                })
                .collect();
        }
        auths.dedup();
        if auths.len() > 1 {
            let names: Vec<&str> = auths.iter().map(|a| a.as_str()).collect();
            report.note(
                NoteKind::NeedsReview,
                Some(src.name.clone()),
                Some(&pkey),
                format!(
                    "operations use several schemes ({}): the process states the strongest, the request flow the weakest; split the callers into their own entities and flows if they differ",
                    names.join(", ")
                ),
            );
        }
        if !open.is_empty() {
            report.note(
                NoteKind::NeedsReview,
                Some(src.name.clone()),
                Some(&pkey),
                format!("{} operation(s) need no authentication: {}", open.len(), list(&open)),
            );
        }
        if g.operations.iter().any(|o| o.scopes) {
            p.authorization = Some([Authorization::FunctionLevel].into());
            report.note(
                NoteKind::Inferred,
                Some(src.name.clone()),
                Some(&pkey),
                "function-level authorization inferred from OAuth scopes; object-level checks cannot be read from a specification",
            );
        }
        let uncapped: BTreeSet<&String> = g.operations.iter().flat_map(|o| &o.uncapped).collect();
        if !uncapped.is_empty() {
            let u: Vec<&str> = uncapped.iter().map(|s| s.as_str()).collect();
            report.note(
                NoteKind::NeedsReview,
                Some(src.name.clone()),
                Some(&pkey),
                format!(
                    "payload cap unknown: {} request field(s) have no maxLength/maxItems ({}); state max_request_bytes",
                    u.len(),
                    list(&u)
                ),
            );
        }
        model.processes.push(p);

        let deprecated: Vec<&str> = g.operations.iter().filter(|o| o.deprecated).map(|o| o.id.as_str()).collect();
        let undocumented = g.operations.iter().filter(|o| !o.documented).count();
        let akey = keys.take(&label, "api");
        let mut a: ApiEntry = blank(&akey);
        a.name = Some(name.clone());
        a.direction = Some(ApiDirection::Exposed);
        a.provider = Some(pkey.clone());
        a.consumers = vec![clients_key.clone()];
        a.audience = Some(if public { ApiAudience::Public } else { ApiAudience::Internal });
        a.status = Some(if !g.operations.is_empty() && deprecated.len() == g.operations.len() {
            ApiStatus::Deprecated
        } else {
            ApiStatus::Active
        });
        a.version = Some(spec.info.version.clone());
        a.exposed_versions.insert(spec.info.version.clone());
        a.base_url = servers.first().cloned();
        a.spec = Some(src.name.clone());
        a.documented = Some(!g.operations.is_empty() && undocumented == 0);
        a.owner = spec.info.contact.as_ref().and_then(|c| c.name.clone().or_else(|| c.email.clone()));
        a.description = Some(format!(
            "{} operation(s){}{}.",
            g.operations.len(),
            if deprecated.is_empty() { String::new() } else { format!("; deprecated: {}", list(&deprecated)) },
            if servers.len() > 1 { format!("; servers: {}", servers.join(", ")) } else { String::new() }
        ));
        if undocumented > 0 {
            report.note(
                NoteKind::NeedsReview,
                Some(src.name.clone()),
                Some(&akey),
                format!("{undocumented} operation(s) have neither summary nor description"),
            );
        }
        model.apis.push(a);

        let https = servers.iter().all(|u| u.starts_with("https://")) && !servers.is_empty();
        let carried = |side: fn(&Op) -> &BTreeMap<DataCategory, BTreeSet<String>>| -> Vec<Key> {
            let cats: BTreeSet<DataCategory> = g.operations.iter().flat_map(|o| side(o).keys().copied()).collect();
            cats.iter().filter_map(|c| assets.get(c).map(|(k, _)| k.clone())).collect()
        };
        for (label, from, to, carries) in [
            ("requests", &clients_key, &pkey, carried(|o| &o.request)),
            ("responses", &pkey, &clients_key, carried(|o| &o.response)),
        ] {
            let fkey = keys.take(&format!("{} {label}", pkey.as_str().trim_end_matches("-service")), "flow");
            let mut f: Flow = blank_flow(&fkey, from, to);
            f.name = Some(format!("{name} {label}"));
            // The weakest server decides: one plain http: server makes the flow unencrypted.
            f.protocol = Some(if https { Protocol::Https } else { Protocol::Http });
            f.encryption = Some(if https { Encryption::Tls12 } else { Encryption::None });
            if label == "requests" {
                f.authentication =
                    if open.len() == g.operations.len() { Some(Authentication::None) } else { auths.first().copied() };
                // Where the credential travels: the most exposed place any used scheme puts it.
                f.credentials_in = used
                    .iter()
                    .filter_map(|n| schemes.get(*n))
                    .filter_map(credential_place)
                    .max_by_key(|c| CredentialPlace::ALL.iter().position(|x| x == c));
            }
            f.carries = carries;
            model.flows.push(f);
        }
    }

    // Webhooks (3.1): the API calls its consumers.
    if !spec.webhooks.is_empty() {
        let wkey = take(keys, "webhook receivers", "webhook-receivers");
        let mut e: ExternalEntity = blank(&wkey);
        e.name = Some(format!("{title} webhook receivers"));
        e.trust = Some(TrustLevel::Partner);
        model.external_entities.push(e);
        if let Some(p) = model.processes.iter().rev().find(|p| p.tags.contains("openapi")).map(|p| p.key.clone()) {
            let fkey = take(keys, "webhooks", "webhooks");
            let mut f = blank_flow(&fkey, &p, &wkey);
            f.name = Some(format!("Webhooks: {}", spec.webhooks.keys().cloned().collect::<Vec<_>>().join(", ")));
            f.protocol = Some(Protocol::Https);
            model.flows.push(f);
        }
        report.note(
            NoteKind::Inferred,
            Some(format!("{}: webhooks", src.name)),
            Some(&wkey),
            format!(
                "{} webhook(s): the API sends requests to its consumers; whether they are signed is not stated",
                spec.webhooks.len()
            ),
        );
    }
    let unused: Vec<&str> = schemes.keys().map(String::as_str).filter(|n| !used_anywhere(spec, n)).collect();
    if !unused.is_empty() {
        report.note(
            NoteKind::Mapped,
            Some(src.name.clone()),
            None,
            format!("security schemes defined but never required: {}", list(&unused)),
        );
    }
    Ok(())
}

fn used_anywhere(spec: &Spec, scheme: &str) -> bool {
    spec.security.iter().any(|r| r.0.contains_key(scheme))
        || methods(spec).iter().any(|(_, _, op)| op.security.iter().any(|r| r.0.contains_key(scheme)))
}

/// Orders authentication from weakest to strongest, to pick what an API requires at most.
fn strength(a: Authentication) -> u8 {
    match a {
        Authentication::None => 0,
        Authentication::Basic => 1,
        Authentication::ApiKey => 2,
        Authentication::SignedUrl => 3,
        Authentication::Session => 3,
        Authentication::Jwt => 4,
        Authentication::Oauth2 => 5,
        Authentication::Oidc => 6,
        Authentication::Mtls => 7,
    }
}

/// A short list for a note: the first few and a count.
fn list(items: &[&str]) -> String {
    let shown: Vec<&str> = items.iter().take(8).copied().collect();
    if items.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), items.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

/// Merges a fresh import into an existing model: an item with the same key in the same
/// section is the same item (its key is made from the specification's title or tag), so
/// it keeps its identity, position, size and any field the import does not set; lists of
/// members and tags are joined; everything else the import states wins. Items only in
/// `existing` stay (those the same specification made before are reported by the caller).
pub fn merge(existing: &Model, imported: &Model) -> Result<Model, String> {
    fn section<T: serde::Serialize + serde::de::DeserializeOwned + crate::model::Item>(
        old: &[T],
        new: &[T],
    ) -> Result<Vec<T>, String> {
        let mut out: Vec<T> = Vec::with_capacity(old.len() + new.len());
        let mut taken = BTreeSet::new();
        for o in old {
            match new.iter().find(|n| n.key() == o.key()) {
                Some(n) => {
                    let mut v = serde_json::to_value(o).map_err(|e| e.to_string())?;
                    let w = serde_json::to_value(n).map_err(|e| e.to_string())?;
                    if let (Value::Object(a), Value::Object(b)) = (&mut v, w) {
                        for (k, x) in b {
                            match (k.as_str(), a.get_mut(&k)) {
                                ("id" | "position" | "size", _) => {}
                                ("members" | "tags", Some(Value::Array(have))) => {
                                    if let Value::Array(more) = x {
                                        for m in more {
                                            if !have.contains(&m) {
                                                have.push(m);
                                            }
                                        }
                                    }
                                }
                                _ => {
                                    a.insert(k, x);
                                }
                            }
                        }
                    }
                    out.push(serde_json::from_value(v).map_err(|e| e.to_string())?);
                    taken.insert(o.key().to_string());
                }
                None => out.push(
                    serde_json::from_value(serde_json::to_value(o).map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())?,
                ),
            }
        }
        for n in new {
            if !taken.contains(n.key().as_str()) {
                out.push(
                    serde_json::from_value(serde_json::to_value(n).map_err(|e| e.to_string())?)
                        .map_err(|e| e.to_string())?,
                );
            }
        }
        Ok(out)
    }
    let mut m = existing.clone();
    m.boundaries = section(&existing.boundaries, &imported.boundaries)?;
    m.external_entities = section(&existing.external_entities, &imported.external_entities)?;
    m.processes = section(&existing.processes, &imported.processes)?;
    m.data_stores = section(&existing.data_stores, &imported.data_stores)?;
    m.flows = section(&existing.flows, &imported.flows)?;
    m.data_assets = section(&existing.data_assets, &imported.data_assets)?;
    m.apis = section(&existing.apis, &imported.apis)?;
    m.canonicalize();
    Ok(m)
}

/// Adds to the report, as needing a person, the items a previous import of `spec` made
/// that this import no longer makes (see [`gone`]): a merge keeps them.
pub fn report_gone(report: &mut super::Report, existing: &Model, imported: &Model, spec: &str) {
    for k in gone(existing, imported, spec) {
        report.note(
            super::NoteKind::NeedsReview,
            Some(spec.to_owned()),
            Some(&k),
            "made by an earlier import of this specification, no longer in it: kept; delete it if it is gone",
        );
    }
}

/// Items a previous import of `spec` made that this import no longer makes (by key):
/// processes tagged `openapi` and API entries whose `spec` is this file.
pub fn gone(existing: &Model, imported: &Model, spec: &str) -> Vec<Key> {
    let now: BTreeSet<&Key> =
        imported.processes.iter().map(|p| &p.key).chain(imported.apis.iter().map(|a| &a.key)).collect();
    let apis = existing.apis.iter().filter(|a| a.spec.as_deref() == Some(spec)).map(|a| &a.key);
    let procs = existing
        .apis
        .iter()
        .filter(|a| a.spec.as_deref() == Some(spec))
        .filter_map(|a| a.provider.as_ref())
        .filter(|k| existing.processes.iter().any(|p| &p.key == *k && p.tags.contains("openapi")));
    let mut out: Vec<Key> = apis.chain(procs).filter(|k| !now.contains(k)).cloned().collect();
    out.sort();
    out.dedup();
    out
}
