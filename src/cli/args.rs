//! The command line, as clap types. Parsing only: `mod.rs` turns these into actions.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "threatwright",
    version,
    about = "Threat modeling for API systems: dataflow diagrams, STRIDE threats, reviews, audit-ready reports",
    after_help = "Exit codes: 0 success, 1 findings (a check or gate failed), 2 usage or input error, 3 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct InputOpts {
    /// Refuse model files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = crate::io::yaml::limits::DEFAULT_MAX_BYTES, global = true)]
    pub max_input_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Yaml,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a project file (.twdb), empty or from a model YAML.
    New {
        /// The project file to create.
        file: PathBuf,
        /// Start from this model YAML.
        #[arg(long, value_name = "MODEL.yaml")]
        from: Option<PathBuf>,
        /// Name of the system (for an empty model; default: the file name).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Check a model (.yaml or .twdb) and print its diagnostics like a compiler.
    Validate {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Import a model YAML into a project file.
    Import {
        /// The model YAML to import.
        file: PathBuf,
        /// The project file to write.
        #[arg(short, long, value_name = "FILE.twdb")]
        output: PathBuf,
        /// Replace the model in an existing project file (in one transaction).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Export the model of a project file (or a YAML file, canonicalised).
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Yaml)]
        format: ExportFormat,
        /// Where to write; `-` is standard output.
        #[arg(short, long, value_name = "OUT", default_value = "-")]
        output: PathBuf,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print a readable summary of a model: counts, boundaries and their elements.
    Show {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Print the JSON Schema of the model YAML format.
    Schema,
    /// Rewrite model YAML files in canonical form (sorted, fixed field order).
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Do not write; exit 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Generate a synthetic API-platform model (the pytm benchmark shape).
    Gen {
        /// Approximate number of elements (boundaries included, as pytm counts them).
        #[arg(long, value_name = "N")]
        elements: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output: `.twdb` writes a project file, anything else YAML; `-` is standard output.
        #[arg(short, long, value_name = "OUT", default_value = "-")]
        output: PathBuf,
    },
}
