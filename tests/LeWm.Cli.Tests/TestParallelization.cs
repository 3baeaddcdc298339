// The commands run in this process (CliRun), and `lewm init`, `train` and friends seed TorchSharp's process-wide
// random generator: test classes running at once could draw from it between another command's seeding and its use,
// which made Init_SameSeedTwice_WritesIdenticalWeights fail intermittently. The CLI tests therefore run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
