// Types for the one fast-xml-parser v4 module we import: its XMLParser alone keeps XMLBuilder out of the bundle.
declare module "fast-xml-parser/src/xmlparser/XMLParser.js" {
  import type { X2jOptions } from "fast-xml-parser";
  export default class XMLParser {
    constructor(options?: X2jOptions);
    parse(xmlData: string, validationOptions?: boolean): unknown;
  }
}
