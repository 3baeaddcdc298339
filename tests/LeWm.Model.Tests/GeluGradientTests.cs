using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests;

/// <summary>
/// GELU's backward with a non-contiguous incoming gradient (pytorch/pytorch#112006: CPU <c>gelu_backward</c> gave
/// garbage when the gradient's strides differ from the input's). The modules call <c>nn.functional.gelu</c> and then
/// mask and transpose [B, C, T] → [B, T, C], exactly that pattern.
/// </summary>
public sealed class GeluGradientTests
{
    [Theory]
    [InlineData(2, 8, 5)]
    [InlineData(3, 128, 37)]
    public void Backward_TransposedIncomingGradient_MatchesContiguousAndClosedForm(int batch, int channels, int frames)
    {
        using var scope = NewDisposeScope();
        Generator generator = torch.manual_seed(21);
        Tensor x = torch.randn(batch, channels, frames, generator: generator).mul(3.0);
        Tensor upstream = torch.randn(batch, frames, channels, generator: generator);
        Tensor mask = torch.ones(batch, 1, frames);
        mask[0, .., (frames / 2)..] = torch.zeros(1, frames - (frames / 2));

        Tensor xStrided = x.clone().requires_grad_();
        nn.functional.gelu(xStrided).mul(mask).transpose(1, 2).mul(upstream).sum().backward();
        Tensor xContiguous = x.clone().requires_grad_();
        nn.functional.gelu(xContiguous).mul(mask).mul(upstream.transpose(1, 2).contiguous()).sum().backward();

        Tensor strided = xStrided.grad!;
        Tensor contiguous = xContiguous.grad!;
        Assert.True(strided.isfinite().all().item<bool>());
        Assert.True(strided.sub(contiguous).abs().max().item<float>() <= 1e-6);
        // d/dx x·Φ(x) = Φ(x) + x·φ(x)
        Tensor phi = x.pow(2).mul(-0.5).exp().div(Math.Sqrt(2.0 * Math.PI));
        Tensor cdf = x.div(Math.Sqrt(2.0)).erf().add(1.0).mul(0.5);
        Tensor expected = cdf.add(x.mul(phi)).mul(upstream.transpose(1, 2)).mul(mask);
        Assert.True(strided.sub(expected).abs().max().item<float>() <= 1e-5);
    }
}
