//! The model tables: reading the model out, writing it in.

use crate::model::{DataStore, ExternalEntity, FORMAT_VERSION, Item, Model, Process, System};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use uuid::Uuid;

pub enum LoadError {
    Sql(rusqlite::Error),
    Decode(String),
}

impl From<rusqlite::Error> for LoadError {
    fn from(e: rusqlite::Error) -> LoadError {
        LoadError::Sql(e)
    }
}

pub fn get_meta(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| r.get(0)).optional()
}

pub fn set_meta(tx: &Transaction<'_>, name: &str, value: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

fn decode<T: DeserializeOwned>(table: &str, key: &str, doc: &str) -> Result<T, LoadError> {
    serde_json::from_str(doc).map_err(|e| LoadError::Decode(format!("{table} row `{key}`: {e}")))
}

fn docs<T: DeserializeOwned>(conn: &Connection, sql: &str, table: &str) -> Result<Vec<T>, LoadError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (key, doc) = row?;
        out.push(decode(table, &key, &doc)?);
    }
    Ok(out)
}

pub fn load(conn: &Connection) -> Result<Model, LoadError> {
    let system_doc: Option<String> =
        conn.query_row("SELECT doc FROM system WHERE id = 1", [], |r| r.get(0)).optional()?;
    let system: System = match system_doc {
        Some(doc) => decode("system", "system", &doc)?,
        None => return Err(LoadError::Decode("the system row is missing".into())),
    };
    let element_sql = |kind: &str| format!("SELECT key, doc FROM elements WHERE kind = '{kind}' ORDER BY key");
    Ok(Model {
        format_version: FORMAT_VERSION,
        system,
        boundaries: docs(conn, "SELECT key, doc FROM boundaries ORDER BY key", "boundaries")?,
        external_entities: docs::<ExternalEntity>(conn, &element_sql("external-entity"), "elements")?,
        processes: docs::<Process>(conn, &element_sql("process"), "elements")?,
        data_stores: docs::<DataStore>(conn, &element_sql("data-store"), "elements")?,
        flows: docs(conn, "SELECT key, doc FROM flows ORDER BY key", "flows")?,
        data_assets: docs(conn, "SELECT key, doc FROM data_assets ORDER BY key", "data_assets")?,
        apis: docs(conn, "SELECT key, doc FROM apis ORDER BY key", "apis")?,
        threats: Vec::new(),
        mitigations: Vec::new(),
        reviews: Vec::new(),
    })
}

fn json<T: Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Replaces every model row by those of `model`, which must be valid and canonical.
pub fn replace(tx: &Transaction<'_>, model: &Model) -> rusqlite::Result<()> {
    for table in [
        "api_consumers",
        "apis",
        "flow_assets",
        "flows",
        "store_assets",
        "boundary_members",
        "data_assets",
        "elements",
        "boundaries",
        "system",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    tx.execute("INSERT INTO system (id, doc) VALUES (1, ?1)", [json(&model.system)?])?;

    // Ids by key, for the reference rows. The model is valid, so every reference resolves.
    let mut ids: HashMap<&str, Uuid> = HashMap::new();
    for e in model.elements() {
        ids.insert(e.key().as_str(), e.id());
    }
    for b in &model.boundaries {
        ids.insert(b.key.as_str(), b.id());
    }
    for a in &model.data_assets {
        ids.insert(a.key.as_str(), a.id());
    }
    let id = |key: &crate::model::Key| -> rusqlite::Result<String> {
        ids.get(key.as_str())
            .map(Uuid::to_string)
            .ok_or_else(|| rusqlite::Error::InvalidParameterName(format!("unresolved reference `{key}`")))
    };

    {
        let mut stmt = tx.prepare("INSERT INTO boundaries (id, key, parent_id, doc) VALUES (?1, ?2, ?3, ?4)")?;
        for b in &model.boundaries {
            let parent = b.parent.as_ref().map(&id).transpose()?;
            stmt.execute(params![b.id().to_string(), b.key.as_str(), parent, json(b)?])?;
        }
        let mut stmt = tx.prepare("INSERT INTO elements (id, key, kind, doc) VALUES (?1, ?2, ?3, ?4)")?;
        for e in &model.external_entities {
            stmt.execute(params![e.id().to_string(), e.key.as_str(), "external-entity", json(e)?])?;
        }
        for p in &model.processes {
            stmt.execute(params![p.id().to_string(), p.key.as_str(), "process", json(p)?])?;
        }
        for s in &model.data_stores {
            stmt.execute(params![s.id().to_string(), s.key.as_str(), "data-store", json(s)?])?;
        }
        let mut stmt = tx.prepare("INSERT INTO boundary_members (boundary_id, element_id) VALUES (?1, ?2)")?;
        for b in &model.boundaries {
            for m in &b.members {
                stmt.execute(params![b.id().to_string(), id(m)?])?;
            }
        }
        let mut stmt = tx.prepare("INSERT INTO data_assets (id, key, doc) VALUES (?1, ?2, ?3)")?;
        for a in &model.data_assets {
            stmt.execute(params![a.id().to_string(), a.key.as_str(), json(a)?])?;
        }
        let mut stmt = tx.prepare("INSERT INTO store_assets (element_id, asset_id) VALUES (?1, ?2)")?;
        for s in &model.data_stores {
            for a in &s.stores {
                stmt.execute(params![s.id().to_string(), id(a)?])?;
            }
        }
        let mut stmt = tx.prepare("INSERT INTO flows (id, key, from_id, to_id, doc) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut carries = tx.prepare("INSERT INTO flow_assets (flow_id, asset_id) VALUES (?1, ?2)")?;
        for f in &model.flows {
            let fid = f.id().to_string();
            stmt.execute(params![fid, f.key.as_str(), id(&f.from)?, id(&f.to)?, json(f)?])?;
            for a in &f.carries {
                carries.execute(params![fid, id(a)?])?;
            }
        }
        let mut stmt = tx.prepare("INSERT INTO apis (id, key, provider_id, doc) VALUES (?1, ?2, ?3, ?4)")?;
        let mut consumers = tx.prepare("INSERT INTO api_consumers (api_id, element_id) VALUES (?1, ?2)")?;
        for a in &model.apis {
            let aid = a.id().to_string();
            let provider = a.provider.as_ref().map(&id).transpose()?;
            stmt.execute(params![aid, a.key.as_str(), provider, json(a)?])?;
            for c in &a.consumers {
                consumers.execute(params![aid, id(c)?])?;
            }
        }
    }
    Ok(())
}
