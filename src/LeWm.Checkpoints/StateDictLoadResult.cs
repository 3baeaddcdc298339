namespace LeWm.Checkpoints;

/// <summary>What loading a state dict into a module left out: empty on both sides after a strict load.</summary>
/// <param name="MissingKeys">Keys the module has that the state dict lacks (their values were left as they were).</param>
/// <param name="UnexpectedKeys">Keys the state dict has that the module lacks (ignored).</param>
public sealed record StateDictLoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
