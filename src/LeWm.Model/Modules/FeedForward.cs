using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeWm.Model.Modules;

/// <summary>Position-wise feed-forward block: <c>fc2(gelu(fc1(x)))</c> with exact (erf) GELU.</summary>
/// <remarks>Keys: <c>fc1.weight</c> [ff, d], <c>fc1.bias</c> [ff], <c>fc2.weight</c> [d, ff], <c>fc2.bias</c> [d].</remarks>
public sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "fc1")]
    private readonly Linear _fc1;

    [ComponentName(Name = "fc2")]
    private readonly Linear _fc2;

    /// <summary>Creates the block with default (PyTorch-equivalent) initialisation.</summary>
    /// <param name="modelDimension">The model width d.</param>
    /// <param name="hiddenDimension">The hidden width.</param>
    public FeedForward(int modelDimension, int hiddenDimension)
        : base(nameof(FeedForward))
    {
        _fc1 = nn.Linear(modelDimension, hiddenDimension);
        _fc2 = nn.Linear(hiddenDimension, modelDimension);
        RegisterComponents();
    }

    /// <summary>Applies the block to <c>[..., d]</c>.</summary>
    /// <param name="x">The input, <c>[..., d]</c>.</param>
    /// <returns><c>[..., d]</c>.</returns>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return _fc2.call(nn.functional.gelu(_fc1.call(x))).MoveToOuterDisposeScope();
    }
}
