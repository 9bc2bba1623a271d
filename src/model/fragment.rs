//! Model fragments: the sections of a model without its header, as rule examples write
//! them.

use super::{ApiEntry, Boundary, DataAsset, DataStore, ExternalEntity, FORMAT_VERSION, Flow, Model, Process, System};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A small model: any of the sections, no `format_version` or `system` needed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boundaries: Vec<Boundary>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_entities: Vec<ExternalEntity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<Process>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_stores: Vec<DataStore>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flows: Vec<Flow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_assets: Vec<DataAsset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<ApiEntry>,
}

impl Fragment {
    /// The fragment as a whole model of a system called `name`.
    pub fn into_model(self, name: &str) -> Model {
        Model {
            format_version: FORMAT_VERSION,
            system: System { name: name.to_owned(), ..System::default() },
            boundaries: self.boundaries,
            external_entities: self.external_entities,
            processes: self.processes,
            data_stores: self.data_stores,
            flows: self.flows,
            data_assets: self.data_assets,
            apis: self.apis,
            threats: Vec::new(),
            mitigations: Vec::new(),
            reviews: Vec::new(),
        }
    }
}
