using LeWm.Model.Losses;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>The loss terms equal the PyTorch reference's <c>LeWmTts.forward(batch, kl_weight=0.5, noise=eps)</c>.</summary>
public sealed class LossParityTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void ComputeLosses_TinyReferenceBatch_EachTermMatchesReference()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();

        LeWmLosses losses = network.ComputeLosses(LossFixture.Batch(), LossFixture.KlWeight, LossFixture.Noise());

        Dictionary<string, double> expected = LossFixture.Expected();
        Assert.Equal(expected["kl_weight"], losses.KlWeight);
        foreach (string name in LossFixture.TermNames.Append("total"))
        {
            LossFixture.AssertClose(name, expected[name], LossFixture.Term(losses, name).item<float>(), Tolerance);
        }
    }

    [Fact]
    public void ComputeLosses_TinyReferenceBatch_EachPerItemTermMatchesReference()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();

        LeWmLosses losses = network.ComputeLosses(LossFixture.Batch(), LossFixture.KlWeight, LossFixture.Noise());

        foreach ((string name, double[] expected) in LossFixture.ExpectedPerItem())
        {
            float[] actual = LossFixture.ItemTerm(losses.PerItem, name).data<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                LossFixture.AssertClose($"{name}[{i}]", expected[i], actual[i], Tolerance);
            }
        }
    }

    [Fact]
    public void ComputeLosses_EvalWithoutNoise_UsesMu()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        LeWmBatch batch = LossFixture.Batch();

        LeWmLosses implicitNoise = network.ComputeLosses(batch, LossFixture.KlWeight);
        LeWmLosses zeroNoise = network.ComputeLosses(batch, LossFixture.KlWeight, torch.zeros(3, 75, 64));

        Assert.Equal(zeroNoise.Total.item<float>(), implicitNoise.Total.item<float>());
    }

    [Fact]
    public void ComputeLosses_NoKlWeight_UsesConfigKlWeight()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();

        LeWmLosses losses = network.ComputeLosses(LossFixture.Batch(), noise: LossFixture.Noise());

        Assert.Equal(network.Config.KlWeight, losses.KlWeight);
    }

    [Fact]
    public void ComputeLosses_BadArguments_Throw()
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        LeWmBatch batch = LossFixture.Batch();

        Assert.Throws<ArgumentNullException>(() => network.ComputeLosses(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeLosses(batch, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.ComputeLosses(batch, double.NaN));
        Assert.Throws<ArgumentException>(() => network.ComputeLosses(batch, 0.5, torch.zeros(3, 10, 64)));
    }
}
