using System.CommandLine;
using LeWm.Audio;
using LeWm.Audio.Wav;
using LeWm.Inference;
using LeWm.Onnx;
using LeWm.Voices.Hindi;

namespace LeWm.Cli.Commands;

/// <summary>
/// <c>lewm synthesize [--model DIR] --text TEXT|--text-file PATH -o OUT.wav [--prompt REF.wav] [--vocoder DIR|griffin-lim] …</c>:
/// text → speech through <see cref="ITtsEngine.SynthesizeAsync"/>; without <c>--model</c>, the shipped Hindi voice
/// (<c>UseDefaultVoice()</c>: speaker 0 unless <c>--speaker</c>). <c>--list-speakers</c> prints the speakers instead.
/// </summary>
internal static class SynthesizeCommand
{
    public static Command Create(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "A checkpoint folder (config.json + model.safetensors) or an ONNX export; the shipped default voice when left out." };
        var text = new Option<string>("--text") { Description = "The text to speak." };
        var textFile = new Option<FileInfo>("--text-file") { Description = "A UTF-8 file holding the text to speak (instead of --text)." };
        var destination = new Option<FileInfo>("--output", "-o") { Description = "The .wav file to write (16-bit PCM unless --float); required unless --list-speakers." };
        var prompt = new Option<FileInfo>("--prompt") { Description = "A reference WAV (at least 0.5 s of speech) whose voice the speech continues in." };
        var vocoder = new Option<string>("--vocoder") { Description = VocoderFactory.Description, DefaultValueFactory = _ => VocoderFactory.GriffinLim };
        var speaker = new Option<int?>("--speaker") { Description = "The speaker id of a multi-speaker model (the default voice: 0 unless given; see --list-speakers)." };
        var listSpeakers = new Option<bool>("--list-speakers") { Description = "Print the model's speakers (id and name) and exit; without --model, the default voice's." };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float WAV." };
        var sampleRate = new Option<int?>("--sample-rate") { Description = "Resample the output to 8000, 16000, 22050, 44100 or 48000 Hz (default 24000)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the sampling noise (default 0: the same text gives the same audio)." };
        var temperature = new Option<double?>("--temperature") { Description = "Standard deviation of the noise added to each generated latent (0: deterministic; default: the model's sampling_temperature)." };
        var speed = new Option<double>("--speed") { Description = "Speaking rate: 1 is the model's pace, 1.25 is 25 % faster (0.25–4).", DefaultValueFactory = _ => 1.0 };
        var stopThreshold = new Option<double>("--stop-threshold")
        {
            Description = "The stop probability at which speech ends (0–1, default 0.5; lower ends speech earlier).",
            DefaultValueFactory = _ => 0.5,
        };
        var device = DeviceOption.Create();
        var json = new Option<bool>("--json") { Description = "Print one JSON object describing the result as the last line." };
        var command = new Command("synthesize", "Turn text into speech.")
        {
            model, text, textFile, destination, prompt, vocoder, speaker, listSpeakers, asFloat, sampleRate, seed, temperature, speed, stopThreshold, device, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DirectoryInfo? modelArgument = parse.GetValue(model);
            if (parse.GetValue(listSpeakers))
            {
                await using TtsEngine described = Configure(TtsEngine.CreateBuilder(), modelArgument).Build();
                WriteSpeakers(output, described.Model.Speakers, modelArgument is null ? HindiVoice.DefaultSpeaker : null, parse.GetValue(json));
                return ExitCodes.Success;
            }

            FileInfo target = parse.GetValue(destination)
                ?? throw new UsageException("Option '--output' is required: the .wav file to write.");
            if (!target.Name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"The output '{target}' must be a .wav file.");
            }

            string input = TextInput.Read(parse.GetValue(text), parse.GetValue(textFile));
            WavSampleFormat format = parse.GetValue(asFloat) ? WavSampleFormat.IeeeFloat32 : WavSampleFormat.Pcm16;
            var options = new SynthesisOptions
            {
                Speaker = parse.GetValue(speaker),
                Seed = parse.GetValue(seed),
                Temperature = parse.GetValue(temperature),
                Speed = parse.GetValue(speed),
                StopThreshold = parse.GetValue(stopThreshold),
                OutputSampleRate = parse.GetValue(sampleRate),
                WavFormat = format,
            };
            options.Validate();

            ComputeDevice computeDevice = DeviceOption.Parse(parse.GetRequiredValue(device));
            TtsEngineBuilder builder = computeDevice.Kind == ComputeDeviceKind.Cuda
                ? TtsEngine.CreateBuilder().OnCuda(computeDevice.Index)
                : TtsEngine.CreateBuilder();
            await using TtsEngine engine = Configure(builder, modelArgument)
                .UseVocoder(context => VocoderFactory.Create(parse.GetRequiredValue(vocoder), context.Device))
                .Build();
            if (parse.GetValue(prompt) is FileInfo reference)
            {
                AudioClip clip = WavReader.Read(reference.FullName);
                options = options with { VoicePrompt = await engine.CreateVoicePromptAsync(clip, cancellationToken).ConfigureAwait(false) };
            }

            SpeechResult speech = await engine.SynthesizeAsync(input, options, cancellationToken).ConfigureAwait(false);
            speech.WriteWav(target.FullName, format);
            double seconds = speech.Duration.TotalSeconds;
            double realtime = speech.Timings.RealTimeFactor(speech.Duration);
            output.WriteLine(parse.GetValue(json)
                ? JsonLine.Of(
                    ("output", target.FullName),
                    ("samples", speech.Samples.Length),
                    ("sample_rate", speech.SampleRate),
                    ("audio_seconds", seconds),
                    ("latent_frames", speech.LatentFrames),
                    ("stopped_by_model", speech.StoppedByModel),
                    ("total_ms", speech.Timings.Total.TotalMilliseconds),
                    ("model_ms", speech.Timings.Model.TotalMilliseconds),
                    ("decoder_ms", speech.Timings.Decoder.TotalMilliseconds),
                    ("vocoder_ms", speech.Timings.Vocoder.TotalMilliseconds),
                    ("realtime_factor", double.IsFinite(realtime) ? realtime : 0.0))
                : $"Wrote {target.FullName}: {seconds:0.###} s at {speech.SampleRate} Hz ({speech.LatentFrames} latent frames{(speech.StoppedByModel ? string.Empty : ", length cap reached")}) in {speech.Timings.Total.TotalMilliseconds:0} ms.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Uses <paramref name="model"/>, or the shipped default voice (with its default speaker) when it is null.</summary>
    private static TtsEngineBuilder Configure(TtsEngineBuilder builder, DirectoryInfo? model) =>
        model is null ? builder.UseDefaultVoice()
        : OnnxSpeechModel.IsOnnxFolder(ModelFolder.Require(model)) ? builder.UseOnnx(ModelFolder.Require(model))
        : builder.UseModel(ModelFolder.Require(model));

    private static void WriteSpeakers(TextWriter output, IReadOnlyList<SpeakerDescriptor> speakers, int? defaultSpeaker, bool json)
    {
        if (json)
        {
            IReadOnlyList<(string Key, object Value)[]> rows = [.. speakers.Select(s => new (string Key, object Value)[] { ("id", s.Id), ("name", s.Name) })];
            output.WriteLine(defaultSpeaker is int id
                ? JsonLine.Of(("speakers", rows), ("default_speaker", id))
                : JsonLine.Of(("speakers", rows)));
            return;
        }

        if (speakers.Count == 0)
        {
            output.WriteLine("The model names no speakers (a single-speaker model).");
            return;
        }

        foreach (SpeakerDescriptor s in speakers)
        {
            output.WriteLine($"{s.Id}\t{s.Name}{(s.Id == defaultSpeaker ? "\t(default)" : string.Empty)}");
        }
    }
}
