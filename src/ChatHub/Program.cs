ChatHub.ChatHubApp.Build(args).Run();
