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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegisterFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args, Clone)]
pub struct RuleOpts {
    /// Also load the rule files in this folder (repeatable). A `rules/` folder next to the
    /// model is loaded too. A user rule with a built-in rule's id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules of the library.
    List {
        #[command(flatten)]
        rules: RuleOpts,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
    /// Show one rule: what it checks, why, how to fix it, its references and examples.
    Show {
        id: String,
        #[command(flatten)]
        rules: RuleOpts,
    },
    /// Check rule files: parse them, check their conditions, run their examples.
    /// Without DIR, checks the built-in library.
    Check { dir: Option<PathBuf> },
    /// Print the ranking scheme (likelihood, impact, severity bands).
    Ranking,
    /// List the attributes rules can test, for each kind of subject.
    Attributes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StrideArg {
    Spoofing,
    Tampering,
    Repudiation,
    InformationDisclosure,
    DenialOfService,
    ElevationOfPrivilege,
}

#[derive(Debug, Subcommand)]
pub enum ThreatCommand {
    /// Add a threat by hand (one the rules do not find). Prints its reference.
    Add {
        /// The project file.
        file: PathBuf,
        #[arg(long)]
        title: String,
        /// Key of the element, flow, API or data asset it is about.
        #[arg(long)]
        target: String,
        #[arg(long, value_enum)]
        stride: StrideArg,
        /// 1 (rare) to 5 (almost certain).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        likelihood: u8,
        /// 1 (negligible) to 5 (severe).
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        impact: u8,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Override a threat's likelihood and/or impact, with the reason (recorded with who).
    Rank {
        file: PathBuf,
        /// The threat's reference (TW-0007).
        reference: String,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        likelihood: Option<u8>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
        impact: Option<u8>,
        /// Why: required, shown next to the threat in every report.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        rules: RuleOpts,
    },
    /// Show one threat in full.
    Show { file: PathBuf, reference: String },
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
    /// Find and rank the threats of a model. On a project file the register is stored:
    /// threats found again keep their reference and status; those no longer found
    /// become obsolete.
    Analyze {
        file: PathBuf,
        #[command(flatten)]
        rules: RuleOpts,
        #[arg(long, value_enum, default_value_t = RegisterFormat::Table)]
        format: RegisterFormat,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Show the attack paths: from untrusted entities to stores of sensitive data, with
    /// the weakest control on each.
    Paths {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        input: InputOpts,
    },
    /// The threat register of a project file: add a threat by hand, override a ranking, show one.
    #[command(subcommand)]
    Threat(ThreatCommand),
    /// The threat rule library: list, show, check, ranking scheme, attributes.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the JSON Schema of the model YAML format (or, with --rules, of rule files).
    Schema {
        /// The schema of rule files instead.
        #[arg(long = "rule-format")]
        rule_format: bool,
    },
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
