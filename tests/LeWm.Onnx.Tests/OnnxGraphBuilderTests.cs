using LeWm.Onnx.Export.Graph;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Onnx.Tests;

/// <summary>The graph layer: names, shapes, and an operator subgraph run on ONNX Runtime against TorchSharp.</summary>
public sealed class OnnxGraphBuilderTests
{
    [Fact]
    public void Gelu_RunOnOnnxRuntime_MatchesTorchExactGelu()
    {
        var graph = new OnnxGraphBuilder("gelu");
        OnnxValue x = graph.Input("x", OnnxDimension.Batch, 5);
        graph.Output(graph.Gelu(x), "y", OnnxDimension.Batch, 5);
        string path = Path.Combine(OnnxTestFiles.TempFolder(), "gelu.onnx");
        OnnxGraphBuilder.Save(graph.Build("gelu"), path);
        float[] input = [-4f, -1.5f, -0.25f, 0f, 0.3f, 1f, 2.5f, 6f, -0.001f, 0.75f];

        using var session = new InferenceSession(path);
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(input, [2, 5]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(new RunOptions(), ["x"], [value], ["y"]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        using Tensor reference = nn.functional.gelu(torch.tensor(input));
        float[] expected = reference.data<float>().ToArray();

        for (int i = 0; i < input.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"gelu({input[i]}): torch {expected[i]}, onnx {actual[i]}");
        }
    }

    [Fact]
    public void Initializer_ShapeThatDoesNotFit_ThrowsArgumentException()
    {
        var graph = new OnnxGraphBuilder("g");
        Assert.Throws<ArgumentException>(() => graph.Initializer("w", [1f, 2f, 3f], 2, 2));
    }

    [Fact]
    public void Input_NameTaken_ThrowsArgumentException()
    {
        var graph = new OnnxGraphBuilder("g");
        graph.Initializer("w", [1f], 1);
        Assert.Throws<ArgumentException>(() => graph.Input("w", 1));
    }

    [Fact]
    public void Node_ReadingAnUnknownValue_ThrowsArgumentException()
    {
        var graph = new OnnxGraphBuilder("g");
        OnnxValue x = graph.Input("x", 1);
        Assert.Throws<ArgumentException>(() => graph.Add(x, new OnnxValue("ghost")));
    }

    [Fact]
    public void Build_DeclaresOpset17AndIrVersion8WithDynamicAxes()
    {
        var graph = new OnnxGraphBuilder("g");
        OnnxValue x = graph.Input("x", OnnxDimension.Batch, 3, OnnxDimension.Frames);
        graph.Output(graph.Relu(x), "y", OnnxDimension.Batch, 3, OnnxDimension.Frames);

        global::Onnx.ModelProto model = graph.Build("relu");

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        global::Onnx.TensorShapeProto shape = model.Graph.Input[0].Type.TensorType.Shape;
        Assert.Equal(["batch", "", "frames"], shape.Dim.Select(d => d.DimParam));
        Assert.Equal(3, shape.Dim[1].DimValue);
    }
}
