// Speaks Hindi on ONNX Runtime alone: no TorchSharp, no libtorch in this app.
//
//   dotnet run --project samples/OnnxOnly -- "नमस्ते, आप कैसे हैं?" hello.wav [--model DIR_ONNX] [--vocoder DIR_ONNX]
//
// Without --model it runs the shipped voice's ONNX export (voices/hindi/ beside the app, from LeWm.Voices.Hindi);
// --model takes any folder written by `lewm export onnx --model`, --vocoder one written by `lewm export onnx --vocoder`
// (Griffin-Lim, which needs no weights, otherwise).
using System.Diagnostics;
using LeWm.Inference;
using LeWm.Voices.Hindi;

string text = "नमस्ते, आप कैसे हैं?";
string output = "hello.wav";
string model = HindiVoice.DirectoryPath;
string? vocoder = null;
var positional = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model" when i + 1 < args.Length:
            model = args[++i];
            break;
        case "--vocoder" when i + 1 < args.Length:
            vocoder = args[++i];
            break;
        case "--model" or "--vocoder":
            Console.Error.WriteLine($"{args[i]} needs a folder.");
            return 2;
        default:
            positional.Add(args[i]);
            break;
    }
}

if (positional.Count > 0)
{
    text = positional[0];
}

if (positional.Count > 1)
{
    output = positional[1];
}

TtsEngineBuilder builder = TtsEngine.CreateBuilder().UseOnnx(model).WithDefaultSpeaker(0);
if (vocoder is not null)
{
    builder = builder.UseOnnxVocoder(vocoder);
}

try
{
    var clock = Stopwatch.StartNew();
    await using TtsEngine tts = builder.Build();
    TimeSpan load = clock.Elapsed;
    SpeechResult speech = await tts.SynthesizeAsync(text);
    await speech.SaveWavAsync(output);
    Console.WriteLine(
        $"Wrote {Path.GetFullPath(output)}: {speech.Duration.TotalSeconds:0.00} s of audio; loaded in {load.TotalMilliseconds:0} ms, " +
        $"synthesized in {speech.Timings.Total.TotalMilliseconds:0} ms on ONNX Runtime ({tts.Vocoder.GetType().Name}).");
    return 0;
}
catch (Exception e) when (e is LeWm.Audio.LeWmException or IOException or ArgumentException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
