// Starts `cardsmith lsp` for the Markdown files of a workspace that holds a cardsmith.toml. The
// server decides which files are lessons (those under a project's source folder).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = async function activate() {
  const command = vscode.workspace.getConfiguration("cardsmith").get("path") || "cardsmith";
  client = new LanguageClient(
    "cardsmith",
    "cardsmith",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "markdown" }] },
  );
  await client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
