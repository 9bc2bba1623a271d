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

/// The model's rows, table by table in the order they may be inserted (a row only refers
/// to rows of tables before it, or of its own table through a deferred key): for each
/// table, its columns and its rows by primary key.
#[derive(Debug)]
pub struct Rows {
    tables: Vec<(&'static str, &'static [&'static str], Table)>,
}

/// A table's rows: primary key values → the other columns' values. (Order within a table
/// does not matter: rows refer to their own table through deferred keys.)
type Table = HashMap<Vec<String>, Vec<Option<String>>, foldhash::fast::FixedState>;

/// The document of `item` (row id `id`): the one `before` (a model and its rows, in the
/// table holding the item's section) holds for it when the item is unchanged, else its
/// JSON. An edit changes a few items of thousands; their documents are all that is written.
fn doc<T: Item + Serialize + PartialEq>(
    item: &T,
    id: &String,
    before: Option<(&[T], &Table)>,
) -> rusqlite::Result<String> {
    if let Some((items, table)) = before
        && let Ok(i) = items.binary_search_by(|x| x.key().cmp(item.key()))
        && items[i] == *item
        && let Some(Some(doc)) = table.get(std::slice::from_ref(id)).and_then(|values| values.last())
    {
        return Ok(doc.clone());
    }
    json(item)
}

/// Rows of `model` (valid and canonical). Columns are named; the first `pk` of each table
/// form its primary key. `before`: a model (canonical) and its rows, whose documents of
/// unchanged items are taken as they are.
pub fn rows(model: &Model, before: Option<(&Model, &Rows)>) -> rusqlite::Result<Rows> {
    let table = |name: &str| before.and_then(|(_, r)| r.tables.iter().find(|t| t.0 == name).map(|t| &t.2));
    let (old, old_elements) = (before.map(|(m, _)| m), table("elements"));

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
    let mut system = Table::default();
    system.insert(vec!["1".into()], vec![Some(json(&model.system)?)]);
    let mut boundaries = Table::default();
    let mut members = Table::default();
    for b in &model.boundaries {
        let bid = b.id().to_string();
        let parent = b.parent.as_ref().map(&id).transpose()?;
        let doc = doc(b, &bid, old.map(|m| m.boundaries.as_slice()).zip(table("boundaries")))?;
        boundaries.insert(vec![bid.clone()], vec![Some(b.key.to_string()), parent, Some(doc)]);
        for m in &b.members {
            members.insert(vec![bid.clone(), id(m)?], vec![]);
        }
    }
    let mut elements = Table::default();
    for e in &model.external_entities {
        let eid = e.id().to_string();
        let doc = doc(e, &eid, old.map(|m| m.external_entities.as_slice()).zip(old_elements))?;
        elements.insert(vec![eid], vec![Some(e.key.to_string()), Some("external-entity".into()), Some(doc)]);
    }
    for p in &model.processes {
        let pid = p.id().to_string();
        let doc = doc(p, &pid, old.map(|m| m.processes.as_slice()).zip(old_elements))?;
        elements.insert(vec![pid], vec![Some(p.key.to_string()), Some("process".into()), Some(doc)]);
    }
    let mut store_assets = Table::default();
    for s in &model.data_stores {
        let sid = s.id().to_string();
        let doc = doc(s, &sid, old.map(|m| m.data_stores.as_slice()).zip(old_elements))?;
        elements.insert(vec![sid.clone()], vec![Some(s.key.to_string()), Some("data-store".into()), Some(doc)]);
        for a in &s.stores {
            store_assets.insert(vec![sid.clone(), id(a)?], vec![]);
        }
    }
    let mut assets = Table::default();
    for a in &model.data_assets {
        let aid = a.id().to_string();
        let doc = doc(a, &aid, old.map(|m| m.data_assets.as_slice()).zip(table("data_assets")))?;
        assets.insert(vec![aid], vec![Some(a.key.to_string()), Some(doc)]);
    }
    let mut flows = Table::default();
    let mut carries = Table::default();
    for f in &model.flows {
        let fid = f.id().to_string();
        let doc = doc(f, &fid, old.map(|m| m.flows.as_slice()).zip(table("flows")))?;
        flows.insert(vec![fid.clone()], vec![Some(f.key.to_string()), Some(id(&f.from)?), Some(id(&f.to)?), Some(doc)]);
        for a in &f.carries {
            carries.insert(vec![fid.clone(), id(a)?], vec![]);
        }
    }
    let mut apis = Table::default();
    let mut consumers = Table::default();
    for a in &model.apis {
        let aid = a.id().to_string();
        let provider = a.provider.as_ref().map(&id).transpose()?;
        let doc = doc(a, &aid, old.map(|m| m.apis.as_slice()).zip(table("apis")))?;
        apis.insert(vec![aid.clone()], vec![Some(a.key.to_string()), provider, Some(doc)]);
        for c in &a.consumers {
            consumers.insert(vec![aid.clone(), id(c)?], vec![]);
        }
    }
    Ok(Rows {
        tables: vec![
            ("system", &["id", "doc"], system),
            ("boundaries", &["id", "key", "parent_id", "doc"], boundaries),
            ("elements", &["id", "key", "kind", "doc"], elements),
            ("boundary_members", &["boundary_id", "element_id"], members),
            ("data_assets", &["id", "key", "doc"], assets),
            ("store_assets", &["element_id", "asset_id"], store_assets),
            ("flows", &["id", "key", "from_id", "to_id", "doc"], flows),
            ("flow_assets", &["flow_id", "asset_id"], carries),
            ("apis", &["id", "key", "provider_id", "doc"], apis),
            ("api_consumers", &["api_id", "element_id"], consumers),
        ],
    })
}

/// The statement inserting a whole row of table `name`.
fn insert_sql(name: &str, columns: &[&str]) -> String {
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!("INSERT INTO {name} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "))
}

/// A row's values in column order (primary key first), as statement parameters.
fn row_params<'a>(pk: &'a [String], values: &'a [Option<String>]) -> impl Iterator<Item = Option<&'a str>> {
    pk.iter().map(|s| Some(s.as_str())).chain(values.iter().map(|v| v.as_deref()))
}

/// Primary key width of a table in [`rows`]: reference tables are keyed by both columns.
fn pk_width(columns: &[&str]) -> usize {
    if columns[0] == "id" { 1 } else { columns.len() }
}

/// Replaces the model rows `old` (the [`rows`] of the stored model) by `new` (those of the
/// next one, valid and canonical), writing only the rows that differ: an edit of one
/// element at 500 elements rewrites a handful of rows, not all of them. Falls back to
/// rewriting every row when a key moves between items (a unique key could clash half-way).
pub fn update(tx: &Transaction<'_>, old: &Rows, new: &Rows) -> rusqlite::Result<()> {
    // Keys (column 0 of the non-key columns) held by one item before and another after.
    let keyed = |t| -> HashMap<&str, &Vec<String>> {
        Table::iter(t).filter_map(|(pk, v)| v.first().and_then(Option::as_deref).map(|k| (k, pk))).collect()
    };
    for ((name, columns, o), (_, _, n)) in old.tables.iter().zip(&new.tables) {
        if pk_width(columns) != 1 || *name == "system" {
            continue;
        }
        let before_keys = keyed(o);
        for (k, pk) in keyed(n) {
            if before_keys.get(k).is_some_and(|p| *p != pk) || o.get(pk).is_some_and(|v| v[0].as_deref() != Some(k)) {
                return replace_rows(tx, new);
            }
        }
    }
    // Forward: new rows, then changed ones (a row refers only to rows written before it).
    for ((name, columns, o), (_, _, n)) in old.tables.iter().zip(&new.tables) {
        let w = pk_width(columns);
        let insert = insert_sql(name, columns);
        let sets: Vec<String> = columns[w..].iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
        let update = format!("UPDATE {name} SET {} WHERE {} = ?1", sets.join(", "), columns[0]);
        for (pk, values) in n {
            let sql = match o.get(pk) {
                None => &insert,
                Some(v) if v != values => &update,
                Some(_) => continue,
            };
            tx.prepare_cached(sql)?.execute(rusqlite::params_from_iter(row_params(pk, values)))?;
        }
    }
    // Backward: rows gone (nothing left refers to them once the changes above are in).
    for ((name, columns, o), (_, _, n)) in old.tables.iter().zip(&new.tables).rev() {
        let w = pk_width(columns);
        let cond: Vec<String> = columns[..w].iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
        let delete = format!("DELETE FROM {name} WHERE {}", cond.join(" AND "));
        for pk in o.keys().filter(|pk| !n.contains_key(*pk)) {
            tx.prepare_cached(&delete)?.execute(rusqlite::params_from_iter(pk))?;
        }
    }
    Ok(())
}

/// Replaces every model row by `rows` (the [`rows`] of a valid, canonical model).
pub fn replace_rows(tx: &Transaction<'_>, rows: &Rows) -> rusqlite::Result<()> {
    for (name, _, _) in rows.tables.iter().rev() {
        tx.execute(&format!("DELETE FROM {name}"), [])?;
    }
    for (name, columns, table) in &rows.tables {
        let mut insert = tx.prepare(&insert_sql(name, columns))?;
        for (pk, values) in table {
            insert.execute(rusqlite::params_from_iter(row_params(pk, values)))?;
        }
    }
    Ok(())
}
