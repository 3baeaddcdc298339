using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Checkpoints.Tests;

/// <summary><see cref="TensorData"/> copies values in row-major order whatever the layout and dtype.</summary>
public sealed class TensorDataTests
{
    [Fact]
    public void ToFloatArray_TransposedView_ReturnsRowMajorValues()
    {
        using var scope = NewDisposeScope();
        Tensor t = torch.arange(6, dtype: ScalarType.Float32).view(2, 3).t();   // [[0,3],[1,4],[2,5]], not contiguous

        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], TensorData.ToFloatArray(t));
    }

    [Fact]
    public void CopyTo_HalfTensor_ConvertsToFloat()
    {
        using var scope = NewDisposeScope();
        Tensor t = torch.tensor(new float[] { 0.5f, -2f, 1024f }).to(ScalarType.Float16);
        var destination = new float[3];

        TensorData.CopyTo(t, destination);

        Assert.Equal([0.5f, -2f, 1024f], destination);
    }

    [Fact]
    public void CopyTo_WrongLength_Throws()
    {
        using var scope = NewDisposeScope();
        Tensor t = torch.zeros(4);

        ArgumentException e = Assert.Throws<ArgumentException>(() => TensorData.CopyTo(t, new float[3]));
        Assert.Contains("4 elements", e.Message, StringComparison.Ordinal);
    }
}
