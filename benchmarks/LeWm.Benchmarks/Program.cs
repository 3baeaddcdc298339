using BenchmarkDotNet.Running;

// Run all suites:   dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*'
// One suite, quick: dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*Mel*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The benchmark host's entry point type.</summary>
internal sealed partial class Program;
