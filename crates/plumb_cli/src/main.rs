/// mimalloc rather than the system allocator: a warm `plumb check --staged` decodes the cached
/// facts of every other project file, hundreds of thousands of small allocations, and glibc's
/// malloc spent a quarter of that run's CPU time in allocation, freeing and page faults.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    plumb_cli::main()
}
