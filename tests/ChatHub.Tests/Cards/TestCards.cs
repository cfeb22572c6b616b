using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatHub.Tests.Cards;

/// <summary>Character cards as card sites and SillyTavern write them.</summary>
public static class TestCards
{
    /// <summary>A V2 card with a lorebook (one entry of each kind) and extensions this service knows nothing of.</summary>
    public static JsonObject V2(string name) => (JsonObject)JsonNode.Parse($$$"""
        {
          "spec": "chara_card_v2",
          "spec_version": "2.0",
          "data": {
            "name": "{{{name}}}",
            "description": "{{char}} is a smuggler who runs the blockade of Port Veil.",
            "personality": "sly, loyal to friends, allergic to authority",
            "scenario": "{{user}} boards {{char}}'s ship at midnight.",
            "first_mes": "*{{char}} tips her hat.* Cargo or passenger?",
            "mes_example": "<START>\n{{user}}: How fast is she?\n{{char}}: Fast enough.",
            "creator_notes": "Works best with a slow burn.",
            "system_prompt": "Write as {{char}}. {{original}}",
            "post_history_instructions": "Keep replies under 120 words.",
            "alternate_greetings": ["*A knife lands in the table.* You're late.", "Port Veil's finest pilot, at your service."],
            "character_book": {
              "name": "Port Veil",
              "scan_depth": 3,
              "token_budget": 500,
              "recursive_scanning": false,
              "extensions": { "custom_book_key": [1, 2.5, "three"] },
              "entries": [
                { "keys": ["blockade"], "content": "The blockade is run by the Admiralty.", "extensions": { "probability": 100, "depth": 4 },
                  "enabled": true, "insertion_order": 10, "case_sensitive": false, "name": "Blockade", "priority": 5, "id": 1,
                  "comment": "lore", "selective": false, "secondary_keys": [], "constant": false, "position": "after_char" },
                { "keys": ["Veil"], "content": "Port Veil smells of tar.", "extensions": {}, "enabled": true, "insertion_order": 20,
                  "case_sensitive": true, "selective": true, "secondary_keys": ["harbour"], "constant": false, "position": "before_char" },
                { "keys": [], "content": "It is always raining.", "extensions": {}, "enabled": true, "insertion_order": 1, "constant": true }
              ]
            },
            "tags": ["Smuggler", "Sci-Fi"],
            "creator": "card-maker",
            "character_version": "1.3",
            "extensions": {
              "talkativeness": "0.5",
              "fav": false,
              "world": "Port Veil",
              "depth_prompt": { "prompt": "She hides a secret.", "depth": 4, "role": "system" },
              "x_unknown_tool": { "nested": { "deep": [null, true, 1e3, "\u00e9\ud83d\ude00"] } }
            }
          }
        }
        """)!;

    /// <summary>A V3 card with the fields V2 lacks.</summary>
    public static JsonObject V3(string name) => (JsonObject)JsonNode.Parse($$"""
        {
          "spec": "chara_card_v3",
          "spec_version": "3.0",
          "data": {
            "name": "{{name}}", "description": "A lighthouse keeper.", "personality": "patient", "scenario": "", "first_mes": "Storm's coming.",
            "mes_example": "", "creator_notes": "", "system_prompt": "", "post_history_instructions": "", "alternate_greetings": [],
            "tags": ["calm"], "creator": "someone", "character_version": "3", "extensions": { "v3_only": 1 },
            "nickname": "Keeper",
            "creator_notes_multilingual": { "fr": "Gardien de phare." },
            "source": ["https://example.com/keeper"],
            "group_only_greetings": ["Everyone inside, now."],
            "creation_date": 1700000000,
            "modification_date": 1700000500,
            "assets": [{ "type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png" }]
          }
        }
        """)!;

    public static string V1(string name) => $$$"""
        { "name": "{{{name}}}", "description": "An old sailor.", "personality": "gruff", "scenario": "A tavern.",
          "first_mes": "Arr.", "mes_example": "<START>\n{{char}}: Arr." }
        """;

    /// <summary>A .charx: the card as <c>card.json</c>, with its icon where the card's assets say.</summary>
    public static byte[] Charx(JsonObject card, byte[]? icon = null)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (icon is not null)
            {
                ((JsonObject)card["data"]!)["assets"] = JsonNode.Parse("""[{ "type": "icon", "uri": "embeded://assets/icon/images/main.png", "name": "main", "ext": "png" }]""");
                using var iconStream = zip.CreateEntry("assets/icon/images/main.png").Open();
                iconStream.Write(icon);
            }
            using var cardStream = zip.CreateEntry("card.json").Open();
            cardStream.Write(Encoding.UTF8.GetBytes(card.ToJsonString()));
        }
        return output.ToArray();
    }

    public static byte[] ZipOf(string entryName, byte[] content)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry(entryName).Open();
            stream.Write(content);
        }
        return output.ToArray();
    }

    /// <summary>A zip whose card.json unpacks to <paramref name="bytes"/> bytes of spaces and a little JSON: a few kilobytes packed.</summary>
    public static byte[] ZipBomb(int bytes)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry("card.json", CompressionLevel.SmallestSize).Open();
            stream.Write("{\"name\":\"Bomb\""u8);
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var written = 0; written < bytes; written += spaces.Length) stream.Write(spaces);
            stream.Write("}"u8);
        }
        return output.ToArray();
    }
}
