using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Checkpoints.Tests;

/// <summary>LoadInto / CopyInto check every key, shape and dtype against the module before copying anything.</summary>
public sealed class StateDictMatcherTests
{
    [Fact]
    public void LoadInto_MatchingSafetensors_CopiesEveryValue()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        Tensor weight = arange(12, dtype: float32).reshape(3, 4);
        Tensor bias = tensor(new[] { -1f, 0f, 1f });
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = weight, ["linear.bias"] = bias });

        StateDictLoadResult result = StateDictFile.LoadInto(module, path);

        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.True(TensorValues.Same(weight, module.state_dict()["linear.weight"]));
        Assert.True(TensorValues.Same(bias, module.state_dict()["linear.bias"]));
    }

    [Fact]
    public void LoadInto_Float16File_ConvertsIntoAFloat32Model()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        Tensor weight = (arange(12, dtype: float32).reshape(3, 4) / 3).to(float16);
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = weight, ["linear.bias"] = zeros(3, dtype: float16) });

        StateDictFile.LoadInto(module, path);

        Tensor loaded = module.state_dict()["linear.weight"];
        Assert.Equal(ScalarType.Float32, loaded.dtype);
        Assert.True(TensorValues.Same(weight.to(float32), loaded));
    }

    [Fact]
    public void LoadInto_PyTorchCheckpointNotStrict_LoadsTheModelsKeysAndReportsTheRest()
    {
        using var scope = NewDisposeScope();
        using var module = NewModel();
        ExpectedTensor expectedWeight = Fixture.ExpectedStateDict().Single(t => t.Name == "linear.weight");

        StateDictLoadResult result = StateDictFile.LoadInto(module, Fixture.Path("state_dict.bin"), strict: false);

        Assert.Empty(result.MissingKeys);
        Assert.Contains("view.base", result.UnexpectedKeys);
        Assert.Equal(Fixture.ExpectedStateDict().Count - 2, result.UnexpectedKeys.Count);
        Assert.Equal(expectedWeight.Reals, TensorValues.Reals(module.state_dict()["linear.weight"]));
    }

    [Fact]
    public void LoadInto_MissingKey_ThrowsNamingTheFirstMissingKey()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = zeros(3, 4) });

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.LoadInto(module, path));

        Assert.Equal($"'{path}' has no tensor 'linear.bias', which the model expects.", error.Message);
    }

    [Fact]
    public void LoadInto_UnexpectedKeys_ThrowsNamingTheFirstAndCountingTheRest()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor>
        {
            ["linear.weight"] = zeros(3, 4),
            ["linear.bias"] = zeros(3),
            ["linear.scale"] = zeros(3),
            ["linear.shift"] = zeros(3),
        });

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.LoadInto(module, path));

        Assert.Equal($"Tensor 'linear.scale' in '{path}' is not part of the model (1 more unexpected key).", error.Message);
    }

    [Fact]
    public void LoadInto_ShapeMismatch_ThrowsNamingTheKeyAndBothShapes()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = zeros(3, 5), ["linear.bias"] = zeros(3) });

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.LoadInto(module, path));

        Assert.Equal($"Tensor 'linear.weight' in '{path}' is [3, 5]; the model expects [3, 4].", error.Message);
    }

    [Fact]
    public void LoadInto_IntegerTensorForAFloatParameter_ThrowsNamingBothDTypes()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = zeros(3, 4), ["linear.bias"] = zeros(3, dtype: int64) });

        var error = Assert.Throws<CheckpointFormatException>(() => StateDictFile.LoadInto(module, path));

        Assert.Equal($"Tensor 'linear.bias' in '{path}' is int64; the model expects float32.", error.Message);
    }

    [Fact]
    public void LoadInto_LaterMismatch_LeavesTheModuleUnchanged()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        Tensor before = module.state_dict()["linear.weight"].clone();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = full(3, 4, 9f), ["linear.bias"] = zeros(4) });

        Assert.Throws<CheckpointFormatException>(() => StateDictFile.LoadInto(module, path));

        Assert.True(TensorValues.Same(before, module.state_dict()["linear.weight"]));
    }

    [Fact]
    public void LoadInto_NotStrict_ReportsMissingAndUnexpectedKeys()
    {
        using var scope = NewDisposeScope();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = full(3, 4, 2f), ["extra"] = zeros(1) });

        StateDictLoadResult result = StateDictFile.LoadInto(module, path, strict: false);

        Assert.Equal(["linear.bias"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        Assert.True(TensorValues.Same(full(3, 4, 2f), module.state_dict()["linear.weight"]));
    }

    [Fact]
    public void LoadInto_LeavesNoTensorAlive()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        using var module = NewModel();
        using (var scope = NewDisposeScope())
        {
            StateDictFile.SaveSafetensors(path, new Dictionary<string, Tensor> { ["linear.weight"] = zeros(3, 4), ["linear.bias"] = zeros(3) });
        }

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        StateDictFile.LoadInto(module, path);

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void CopyInto_RenamedKeys_LoadsThem()
    {
        using var scope = NewDisposeScope();
        using var module = NewModel();
        var renamed = new Dictionary<string, Tensor> { ["linear.weight"] = ones(3, 4), ["linear.bias"] = ones(3) };

        StateDictFile.CopyInto(module, renamed, "renamed checkpoint");

        Assert.True(TensorValues.Same(ones(3), module.state_dict()["linear.bias"]));
    }

    private static nn.Module<Tensor, Tensor> NewModel() => nn.Sequential(("linear", nn.Linear(4, 3)));
}
