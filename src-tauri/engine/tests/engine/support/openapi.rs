//! Validation against Pinterest's own OpenAPI description (`pinterest-v5-openapi.yaml`, kept in
//! the project's shared reference folder beside the repository), with the jsonschema crate: the
//! client's requests and the simulator's responses are checked against Pinterest's schemas, not
//! only against each other. OpenAPI 3.0 schemas are JSON Schema draft 4 plus a few keywords
//! (`nullable`, `discriminator`, `example`) that the validator does not know. `nullable: true`
//! is spelled out here as JSON Schema (`anyOf: [{type: null}, the schema]`), because Pinterest
//! does answer `null` where its spec says nullable (`"bookmark": null` on a list's last page); a
//! `null` anywhere else still fails. `check_response` follows a named schema's `discriminator`
//! and validates the body against the variant it names too. Formats (`date-time`) are checked:
//! draft 4 validates them by default.
//!
//! The spec is found at `$PINPACE_OPENAPI_SPEC`, else at `../shared/reference/` next to the
//! repository. A missing spec fails the test with a message saying where to put it.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{json, Value};

fn spec_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PINPACE_OPENAPI_SPEC") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/pinterest-v5-openapi.yaml")
}

/// The whole spec as JSON, parsed once per test binary.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "Pinterest's OpenAPI spec is needed at {} (or set PINPACE_OPENAPI_SPEC): {e}",
                path.display()
            )
        });
        serde_yaml::from_str(&text).expect("the OpenAPI spec is valid YAML")
    })
}

/// The spec's `components`, with `nullable: true` spelled as JSON Schema (see the module doc).
fn components() -> &'static Value {
    static COMPONENTS: OnceLock<Value> = OnceLock::new();
    COMPONENTS.get_or_init(|| {
        let mut c = spec()["components"].clone();
        spell_out_nullable(&mut c);
        c
    })
}

/// `{nullable: true, ...rest}` becomes `{anyOf: [{type: "null"}, {...rest}]}`, at any depth.
fn spell_out_nullable(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for child in map.values_mut() {
                spell_out_nullable(child);
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                let rest = Value::Object(std::mem::take(map));
                *v = json!({ "anyOf": [{ "type": "null" }, rest] });
            }
        }
        Value::Array(items) => items.iter_mut().for_each(spell_out_nullable),
        _ => {}
    }
}

/// Validates `instance` against a schema taken from the spec (a `$ref` into `#/components`, or
/// an inline schema whose `$ref`s point there); returns every violation.
pub fn check_schema(schema: &Value, instance: &Value) -> Result<(), Vec<String>> {
    let mut schema = schema.clone();
    spell_out_nullable(&mut schema);
    // The spec's components sit in the root so that every internal $ref resolves; the schema
    // goes under `allOf` because draft 4 ignores every keyword beside a `$ref`.
    let root = json!({ "allOf": [schema], "components": components() });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {} does not compile: {e}", root["allOf"][0]));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Validates `instance` against `#/components/schemas/{name}`; returns every violation.
pub fn check(name: &str, instance: &Value) -> Result<(), Vec<String>> {
    let schemas = &spec()["components"]["schemas"];
    assert!(
        schemas.get(name).is_some(),
        "no schema named {name} in the spec"
    );
    check_schema(
        &json!({ "$ref": format!("#/components/schemas/{name}") }),
        instance,
    )
}

/// Panics with every violation when `instance` does not match schema `name`.
pub fn assert_matches(name: &str, instance: &Value) {
    if let Err(errors) = check(name, instance) {
        panic!(
            "{instance} does not match {name}:\n  {}",
            errors.join("\n  ")
        );
    }
}

/// The schema name a path/method/status responds with (`application/json`), from the spec.
pub fn response_schema(path: &str, method: &str, status: &str) -> String {
    let op = &spec()["paths"][path][method];
    let reference = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} has no JSON schema for {status}"));
    reference
        .trim_start_matches("#/components/schemas/")
        .to_string()
}

/// The schema name of a path/method's JSON request body.
pub fn request_schema(path: &str, method: &str) -> String {
    let op = &spec()["paths"][path][method];
    let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} has no JSON request schema"));
    reference
        .trim_start_matches("#/components/schemas/")
        .to_string()
}

/// The spec's path template that a concrete request path (without `/v5`) resolves to, the way a
/// router would: same number of segments, literal segments equal, `{param}` matching any one
/// non-empty segment; the template with the most literal segments wins (`/pins/analytics`
/// before `/pins/{pin_id}`). Panics if the spec has no such path.
pub fn operation_path(concrete: &str) -> String {
    let concrete = concrete.split('?').next().unwrap_or(concrete);
    let segments: Vec<&str> = concrete.trim_matches('/').split('/').collect();
    let paths = spec()["paths"].as_object().expect("the spec has paths");
    paths
        .keys()
        .filter_map(|template| {
            let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') && p.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if p == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| panic!("no path in the spec matches {concrete}"))
}

/// The spec's response object for a path/method/status: that status, else `default` (OpenAPI's
/// "any other status"). Panics if there is neither.
pub fn response_object(path: &str, method: &str, status: u16) -> &'static Value {
    let op = &spec()["paths"][path][method];
    assert!(op.is_object(), "the spec has no {method} {path}");
    let responses = &op["responses"];
    let exact = &responses[status.to_string().as_str()];
    if exact.is_object() {
        exact
    } else if responses["default"].is_object() {
        &responses["default"]
    } else {
        panic!("{method} {path} declares neither {status} nor a default response")
    }
}

/// The JSON schema the spec gives for a path/method/status (see `response_object`), as it stands
/// in the spec: a `$ref`, or inline (list endpoints: an object of `items` and `bookmark`, or an
/// `allOf` of `Paginated` and the items' schema). `None` when that response has no body (204).
pub fn response_body_schema(path: &str, method: &str, status: u16) -> Option<&'static Value> {
    let schema = &response_object(path, method, status)["content"]["application/json"]["schema"];
    schema.is_object().then_some(schema)
}

/// Validates a response body against the schema the spec gives for it and, when that is a named
/// schema with a `discriminator`, against the variant the body's discriminator value names.
pub fn check_response(
    path: &str,
    method: &str,
    status: u16,
    body: &Value,
) -> Result<(), Vec<String>> {
    let schema = response_body_schema(path, method, status)
        .unwrap_or_else(|| panic!("{method} {path} {status} has no JSON body in the spec"));
    check_schema(schema, body)?;
    let Some(name) = schema["$ref"]
        .as_str()
        .map(|r| r.trim_start_matches("#/components/schemas/"))
    else {
        return Ok(());
    };
    let disc = &spec()["components"]["schemas"][name]["discriminator"];
    let Some(prop) = disc["propertyName"].as_str() else {
        return Ok(());
    };
    match body[prop]
        .as_str()
        .and_then(|v| disc["mapping"][v].as_str())
    {
        Some(variant) => check_schema(&json!({ "$ref": variant }), body),
        None => Err(vec![format!(
            "{name} discriminates on {prop}, and {} names none of its variants",
            body[prop]
        )]),
    }
}
