using static TorchSharp.torch;

namespace LeWm.TorchSharp.Compat.Tests;

/// <summary>TorchSharp's native runtime loads and computes, which on Debian 12 needs the patched shim.</summary>
public sealed class TorchSharpRuntimeTests
{
    [Fact]
    public void Add_TwoCpuTensors_ReturnsElementwiseSum()
    {
        using var scope = NewDisposeScope();
        Tensor left = tensor(new[] { 1f, 2f, 3f });
        Tensor right = ones(3);

        float[] sum = (left + right).data<float>().ToArray();

        Assert.Equal(new[] { 2f, 3f, 4f }, sum);
    }

    [Fact]
    public void Train_LinearReluLinearWithAdam_LossFallsTenfold()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1234);
        using var model = nn.Sequential(
            ("fc1", nn.Linear(4, 32)),
            ("relu", nn.ReLU()),
            ("fc2", nn.Linear(32, 1)));
        Tensor inputs = randn([128, 4], generator: generator);
        Tensor targets = (inputs * tensor(new[] { 0.5f, -1f, 2f, 0.25f })).sum(1, keepdim: true);
        using var optimizer = optim.Adam(model.parameters(), lr: 0.01);

        float firstLoss = TrainStep(model, optimizer, inputs, targets);
        float lastLoss = firstLoss;
        for (int step = 1; step < 200; step++)
        {
            lastLoss = TrainStep(model, optimizer, inputs, targets);
        }

        Assert.True(lastLoss < firstLoss / 10, $"Loss went from {firstLoss} to {lastLoss}; expected a tenfold drop.");
    }

    private static float TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor inputs, Tensor targets)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        Tensor loss = nn.functional.mse_loss(model.call(inputs), targets);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }
}
