using LeWm.Model.Losses;
using LeWm.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>Which components each loss term trains (model-architecture.md, "Gradient routing").</summary>
public sealed class LossGradientRoutingTests
{
    [Fact]
    public void Kl_ReachesOnlyTheAudioEncoder()
    {
        Routes routes = Backward(l => l.Kl);

        Assert.True(routes.AudioEncoder > 0);
        Assert.Equal(0.0, routes.TextEncoder);
        Assert.Equal(0.0, routes.Predictor);
        Assert.Equal(0.0, routes.MelDecoder);
    }

    [Fact]
    public void Recon_ReachesTheMelDecoderAndTheAudioEncoder()
    {
        Routes routes = Backward(l => l.Recon);

        Assert.True(routes.MelDecoder > 0);
        Assert.True(routes.AudioEncoder > 0);
        Assert.Equal(0.0, routes.TextEncoder);
        Assert.Equal(0.0, routes.Predictor);
    }

    [Fact]
    public void Spectral_ReachesTheMelDecoderAndTheAudioEncoder()
    {
        Routes routes = Backward(l => l.Spectral);

        Assert.True(routes.MelDecoder > 0);
        Assert.True(routes.AudioEncoder > 0);
        Assert.Equal(0.0, routes.TextEncoder);
        Assert.Equal(0.0, routes.Predictor);
    }

    [Fact]
    public void Prediction_ReachesThePredictorTextEncoderAndAudioEncoder_NotTheDecoderOrStopHead()
    {
        Routes routes = Backward(l => l.Prediction);

        Assert.True(routes.Predictor > 0);
        Assert.True(routes.TextEncoder > 0);
        Assert.True(routes.AudioEncoder > 0);
        Assert.Equal(0.0, routes.MelDecoder);
        Assert.Equal(0.0, routes.StopHead);
    }

    [Fact]
    public void Stop_ReachesThePredictorsStopHead_NotTheDecoder()
    {
        Routes routes = Backward(l => l.Stop);

        Assert.True(routes.StopHead > 0);
        Assert.True(routes.TextEncoder > 0);
        Assert.True(routes.AudioEncoder > 0);
        Assert.Equal(0.0, routes.MelDecoder);
    }

    [Fact]
    public void Total_EveryGradientFinite()
    {
        Routes routes = Backward(l => l.Total);

        Assert.True(routes.AllFinite);
        Assert.True(routes.MelDecoder > 0 && routes.Predictor > 0 && routes.TextEncoder > 0 && routes.AudioEncoder > 0);
    }

    private static Routes Backward(Func<LeWmLosses, Tensor> term)
    {
        using LeWmNetwork network = LossFixture.Network();
        using var scope = NewDisposeScope();
        Tensor noise = torch.randn(3, 75, 64, generator: torch.manual_seed(11));
        LeWmLosses losses = network.ComputeLosses(LossFixture.Batch(), LossFixture.KlWeight, noise);

        term(losses).backward();

        bool finite = network.parameters().All(p => p.grad is null || p.grad.isfinite().all().item<bool>());
        double stopHead = network.Predictor.named_parameters()
            .Where(p => p.name.StartsWith("stop.", StringComparison.Ordinal))
            .Sum(p => GradientMass(p.parameter));
        return new Routes(
            GradientMass(network.TextEncoder), GradientMass(network.AudioEncoder), GradientMass(network.Predictor),
            GradientMass(network.MelDecoder), stopHead, finite);
    }

    private static double GradientMass(nn.Module module) => module.parameters().Sum(GradientMass);

    private static double GradientMass(Tensor parameter) =>
        parameter.grad is null ? 0.0 : parameter.grad.abs().sum().item<float>();

    private sealed record Routes(double TextEncoder, double AudioEncoder, double Predictor, double MelDecoder, double StopHead, bool AllFinite);
}
