using BenchmarkDotNet.Running;
using LeWm.Benchmarks.Vocos;

// Run all suites:   dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*'
// One suite, quick: dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*Mel*' --job short
// LeWm.Model:       dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*ModelPredictor*' '*ModelTraining*'
//                   (base-preset training step 8 × 10 s; predictor step at 200 cached frames vs the full prefix)
// LeWm.Inference:   dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- --filter '*SynthesisStage*'
//                   (each stage of 10 s of speech, base preset + full-size Vocos, and the whole request)
// A full-size random-weight Vocos folder (for `lewm bench vocoder --vocoder DIR`):
//                   dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- make-vocos DIR
if (args is ["make-vocos", string folder])
{
    RandomVocosFolder.Write(folder);
    Console.WriteLine($"Wrote a full-size random-weight Vocos (mel-24khz shapes) to {folder}.");
    return;
}

if (args is ["profile-vocos"])
{
    VocosStageProfile.Run();
    VocosStageProfile.RunModules();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The benchmark host's entry point type.</summary>
internal sealed partial class Program;
