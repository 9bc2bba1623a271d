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
    /// OWASP Threat Dragon v2 JSON (one STRIDE diagram with the register's threats).
    ThreatDragon,
}

/// How an OpenAPI import cuts a specification into processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitBy {
    /// One process per specification.
    Spec,
    /// One process per tag group (an operation's first tag).
    Tag,
}

/// Where an import comes from.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// OpenAPI 3.0 / 3.1 specifications (YAML or JSON): a process, its clients, request
    /// and response flows, an API inventory entry and suggested data assets per spec.
    Openapi {
        #[arg(required = true, num_args = 1..)]
        specs: Vec<PathBuf>,
        /// The project file to create.
        #[arg(short, long, value_name = "FILE.twdb", required_unless_present = "into", conflicts_with = "into")]
        output: Option<PathBuf>,
        /// Merge into an existing project file: what exists keeps its identity, position
        /// and threat state; what changed is shown.
        #[arg(long, value_name = "FILE.twdb")]
        into: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = SplitBy::Spec)]
        split_by: SplitBy,
        /// The import report's format.
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        /// Replace an existing output file's model.
        #[arg(long)]
        force: bool,
    },
    /// A Microsoft Threat Modeling Tool model (.tm7).
    Tm7(ImportFile),
    /// An OWASP Threat Dragon v2 model (JSON).
    ThreatDragon(ImportFile),
    /// A Threagile model (YAML).
    Threagile(ImportFile),
}

/// One other tool's model file into a new project file.
#[derive(Debug, Args)]
pub struct ImportFile {
    pub file: PathBuf,
    #[arg(short, long, value_name = "FILE.twdb")]
    pub output: PathBuf,
    /// The import report's format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Replace an existing output file's model.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegisterFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args, Clone, Default)]
pub struct RuleOpts {
    /// Also load the rule files in this folder (repeatable). A `rules/` folder next to the
    /// model is loaded too. A user rule with a built-in rule's id replaces it.
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Leave the built-in rules out: only the rule files of `--rules` (and of a `rules/`
    /// folder next to the model) are used.
    #[arg(long = "no-builtin-rules")]
    pub no_builtin: bool,
}

impl RuleOpts {
    /// Whether the built-in rules are part of the library.
    pub fn builtin(&self) -> bool {
        !self.no_builtin
    }
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
pub enum ReportFormat {
    Pdf,
    Html,
    Md,
    Csv,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
}

impl From<ReportFormat> for crate::report::Format {
    fn from(f: ReportFormat) -> Self {
        use crate::report::Format;
        match f {
            ReportFormat::Pdf => Format::Pdf,
            ReportFormat::Html => Format::Html,
            ReportFormat::Md => Format::Md,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Json => Format::Json,
            ReportFormat::Sarif => Format::Sarif,
        }
    }
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
    /// Set a threat's status, with what the status needs: `accepted` an approver, a
    /// reason and an expiry; `transferred` who to; `not-applicable` a reason;
    /// `mitigation-planned` / `mitigated` linked mitigations.
    Set {
        file: PathBuf,
        reference: String,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long)]
        approver: Option<String>,
        /// Last day the acceptance holds (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        #[arg(long)]
        reason: Option<String>,
        /// Who the risk is transferred to.
        #[arg(long = "to", value_name = "PARTY")]
        transferred_to: Option<String>,
        /// Sign the decision with this SSH key (a private key file, or a public key whose
        /// private half is in ssh-agent), through `ssh-keygen -Y sign`; see docs/audit.md.
        #[arg(long, value_name = "KEY")]
        sign_with: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Open,
    MitigationPlanned,
    Mitigated,
    Accepted,
    Transferred,
    NotApplicable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MitigationStatusArg {
    Proposed,
    Planned,
    Implemented,
    Verified,
}

#[derive(Debug, Args, Clone)]
pub struct MitigationFieldArgs {
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
    #[arg(long, value_enum)]
    pub status: Option<MitigationStatusArg>,
    #[arg(long)]
    pub owner: Option<String>,
    /// Ticket id or URL.
    #[arg(long)]
    pub ticket: Option<String>,
    /// Due date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MitigationCommand {
    /// Create a mitigation (and link it to threats with --threat). Prints its reference.
    Add {
        file: PathBuf,
        #[command(flatten)]
        fields: MitigationFieldArgs,
        /// Threats it covers (repeatable).
        #[arg(long = "threat", value_name = "TW-REF")]
        threats: Vec<String>,
    },
    /// Link a mitigation to threats.
    Link {
        file: PathBuf,
        mitigation: String,
        #[arg(required = true)]
        threats: Vec<String>,
    },
    /// Remove links between a mitigation and threats.
    Unlink {
        file: PathBuf,
        mitigation: String,
        #[arg(required = true)]
        threats: Vec<String>,
    },
    /// Change a mitigation's fields.
    Set {
        file: PathBuf,
        mitigation: String,
        #[command(flatten)]
        fields: MitigationFieldArgs,
    },
    /// Adopt a rule's suggested mitigation for threats in one step (reusing the one
    /// already adopted from the same suggestion).
    Adopt {
        file: PathBuf,
        #[arg(required = true)]
        threats: Vec<String>,
        /// Which suggestion (its id, e.g. `use-oauth2`); default: the rule's first.
        #[arg(long)]
        template: Option<String>,
    },
    /// List mitigations with the threats they cover; orphans are marked.
    List {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Sign off one threat's response (--threat), or the whole model version (creates a
    /// baseline that later changes are shown against).
    Sign {
        file: PathBuf,
        #[arg(long, value_name = "TW-REF")]
        threat: Option<String>,
        #[arg(long)]
        reviewer: String,
        #[arg(long)]
        note: Option<String>,
        /// Sign the sign-off with this SSH key (see `threat set --sign-with`).
        #[arg(long, value_name = "KEY")]
        sign_with: Option<PathBuf>,
    },
    /// List sign-offs, and whether each still holds.
    List {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// List the baselines.
    List { file: PathBuf },
    /// Show a baseline (default: the latest) and what changed since.
    Show {
        file: PathBuf,
        id: Option<u64>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: Option<LogCommand>,
    /// The project file.
    pub file: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Verify the file: SQLite's structural check, the hash chain, every row against what
    /// the chain sealed, and the SSH signatures of approvals. Exit 1 if anything was
    /// changed outside Threatwright, 2 if the file is damaged.
    Verify { file: PathBuf },
    /// List the SSH-signed approvals and check each signature; with --dir, write each
    /// statement and its signature for `ssh-keygen -Y verify` (docs/audit.md).
    Signatures {
        file: PathBuf,
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Low,
    Medium,
    High,
    Critical,
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
    /// Import a model YAML into a project file; or bring in OpenAPI specifications or a
    /// model from Microsoft TMT (.tm7), OWASP Threat Dragon (JSON) or Threagile (YAML)
    /// with a report of what was inferred and what needs a person.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Import {
        #[command(subcommand)]
        from: Option<ImportFrom>,
        /// The model YAML to import.
        #[arg(required = true)]
        file: Option<PathBuf>,
        /// The project file to write.
        #[arg(short, long, value_name = "FILE.twdb", required = true)]
        output: Option<PathBuf>,
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
    /// Mitigations: add, link, unlink, set, adopt a rule's suggestion, list.
    #[command(subcommand)]
    Mitigation(MitigationCommand),
    /// Sign-offs: of one threat's response, or of the model version (a baseline).
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Baselines: signed-off model versions, and what changed since.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// The audit log (`log FILE`), and its verification (`log verify FILE`).
    Log(LogArgs),
    /// Write a report: PDF (with the diagram), HTML, Markdown, CSV for issue trackers,
    /// JSON or SARIF. FILE is a project file (.twdb) or a model YAML (analysed now).
    /// The same state always gives the same bytes.
    Report {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Pdf)]
        format: ReportFormat,
        /// Where to write it (required for PDF; the text formats go to standard output
        /// without it).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// Report settings (YAML): title, organisation, confidentiality, sections on or
        /// off, minimum severity. `threatwright schema --report-config` describes it.
        #[arg(long, value_name = "report.yaml")]
        config: Option<PathBuf>,
        #[command(flatten)]
        rules: RuleOpts,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Check that a report (PDF, HTML, Markdown, JSON or SARIF) shows FILE's current
    /// state or one of its signed baselines: exit 0 if it does, 1 if it does not.
    VerifyReport {
        report: PathBuf,
        file: PathBuf,
        #[command(flatten)]
        rules: RuleOpts,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Score the engine on a corpus: each folder under DIR with a `model.yaml` and an
    /// `expected.yaml` (findings that must be raised, secure configurations that must not
    /// be) is analysed and scored — recall, severity accuracy, false positives, noise — per
    /// system and in total. With `--thresholds`, exit 1 when the total falls short.
    Eval {
        dir: PathBuf,
        /// Minimum scores (YAML: min_recall, min_severity_exact, max_noise, max_must_not).
        #[arg(long, value_name = "FILE")]
        thresholds: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        rules: RuleOpts,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Compare two versions of a model and its threats: what a design change does to risk.
    /// OLD and NEW are each a model YAML, a project file (its current state),
    /// `FILE.twdb@baseline` (its latest baseline), `FILE.twdb@baseline:ID` or
    /// `git:REV:path/to/model.yaml` (read with `git show`). Exit 1 when `--fail-on` is met by
    /// new or worsened threats.
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Fail (exit 1) when a new or worsened threat is at or above this severity.
        #[arg(long, value_enum)]
        fail_on: Option<LevelArg>,
        #[command(flatten)]
        rules: RuleOpts,
        #[command(flatten)]
        input: InputOpts,
    },
    /// The gate for CI pipelines: exit 1, with a readable list, when threats at or above
    /// a level are unhandled, acceptances have expired, or the model changed since its
    /// last sign-off.
    Check {
        file: PathBuf,
        /// Unhandled threats at or above this severity fail.
        #[arg(long, value_enum, default_value_t = LevelArg::High)]
        fail_on: LevelArg,
        /// More expired acceptances than this fail.
        #[arg(long, default_value_t = 0)]
        max_expired: usize,
        /// Check as of this date instead of today (YYYY-MM-DD): "what fails at the audit?"
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Do not fail on changes since the last baseline (or on having none).
        #[arg(long)]
        no_review: bool,
        #[command(flatten)]
        rules: RuleOpts,
        #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
        format: TextOrJson,
        #[command(flatten)]
        input: InputOpts,
    },
    /// Read or set a setting: `config user.name` prints it, `config user.name "Ana"` sets it.
    Config { key: String, value: Option<String> },
    /// The threat rule library: list, show, check, ranking scheme, attributes.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print the JSON Schema of the model YAML format (or, with --rules, of rule files).
    Schema {
        /// The schema of rule files instead.
        #[arg(long = "rule-format", conflicts_with_all = ["report_config", "report"])]
        rule_format: bool,
        /// The schema of report configuration files (`report --config`) instead.
        #[arg(long = "report-config", conflicts_with = "report")]
        report_config: bool,
        /// The schema of JSON reports (`report --format json`) instead.
        #[arg(long = "report")]
        report: bool,
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
