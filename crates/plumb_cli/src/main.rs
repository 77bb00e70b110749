fn main() -> std::process::ExitCode {
    plumb_cli::main()
}
